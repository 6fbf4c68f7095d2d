#pragma once
// Runs a plan (import_plan.hpp): `jobs` workers import files at once through images::LibraryImport while this
// thread reads archives in order (libarchive reads one entry at a time) and hands each extracted entry over.
// A file on disk is hashed first and, when the owner has those bytes already and no album asks for them, counted
// as a duplicate without being copied — a second run reads but writes nothing. Everything else is copied into
// our temp folder while hashed and imported from there; whatever fails is removed.
//
// `stop` (set on SIGINT/SIGTERM) ends it cleanly: no new file starts, the files in flight finish (each import
// commits or rolls back as a whole), queued archive entries are dropped. The next run picks up where it ended:
// what was imported is a duplicate then.
#include <atomic>
#include <string>

#include "import/import_plan.hpp"
#include "import/import_report.hpp"
#include "obscura/images/library_import.hpp"

namespace obscura::import {

struct RunOptions {
    std::string ownerId;
    std::string tempDir;  // from LibraryImport::makeTempDir(); "" for a dry run
    bool dryRun = false;
    int jobs = 2;
};

void runPlan(const Plan& plan, const Listing& listing, const Limits& limits, const RunOptions& options,
             images::LibraryImport& library, ImportReport& report, const std::atomic<bool>& stop);

}  // namespace obscura::import
