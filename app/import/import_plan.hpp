#pragma once
// Which files of a listing `obscura import` imports, each with its sidecar's values and its album: the walk is
// done (import_sources.hpp), nothing has been read but sidecars. Sidecars (JSON, XMP) are never imported
// themselves; a Takeout JSON that belongs to no file is ignored.
#include <cstdint>
#include <string>
#include <vector>

#include "import/import_sources.hpp"
#include "obscura/images/library_import.hpp"

namespace obscura::import {

struct PlanOptions {
    bool takeout = false;          // read Takeout's JSON sidecars and album folders
    bool albumFromFolder = false;  // every folder is an album (Takeout: only album folders, by their title)
    std::int64_t nowSeconds = 0;   // for "a date in the future"
};

struct PlannedFile {
    const SourceEntry* entry = nullptr;
    std::string fileName;  // the asset's originalFileName (Takeout: the JSON's full "title")
    std::string album;     // "" for none
    images::ImportSidecar sidecar;
};

struct Plan {
    std::vector<PlannedFile> files;
    std::vector<Refusal> skipped;   // e.g. in Google Photos' trash
    std::vector<Refusal> warnings;  // sidecar values refused; the file is imported without them
};

Plan makePlan(const Listing& listing, const Limits& limits, const PlanOptions& options);

}  // namespace obscura::import
