#pragma once
// What `obscura import` did, counted while it runs (several workers at once) and printed at the end as JSON:
//   {"imported": N, "duplicates": N, "skipped": [{"path", "reason"}], "failed": [{"path", "reason"}],
//    "warnings": [{"path", "reason"}], "files": N, "bytes": N, "seconds": S, "dryRun": B, "interrupted": B}
// A dry run counts as "imported" what it would import.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "import/import_sources.hpp"

namespace obscura::import {

class ImportReport {
public:
    explicit ImportReport(bool dryRun) : dryRun_(dryRun), started_(std::chrono::steady_clock::now()) {}

    void imported(std::int64_t bytes);
    void duplicate(std::int64_t bytes);
    void skipped(Refusal r);
    void failed(Refusal r);
    void warning(Refusal r);
    void setTotal(std::int64_t files);
    void setInterrupted();

    bool anyFailed() const;
    // "12/40 files | 10 imported | 1 duplicates | 1 skipped | 0 failed | 3.1 files/s | 4.2 MB/s": the rates count
    // the files read through (imported and duplicates), not the ones refused by their name.
    std::string progressLine() const;
    std::string json() const;  // import_report_json.cpp

private:
    mutable std::mutex mu_;
    bool dryRun_;
    std::chrono::steady_clock::time_point started_;
    std::int64_t total_ = 0, imported_ = 0, duplicates_ = 0, bytes_ = 0;
    std::vector<Refusal> skipped_, failed_, warnings_;
    bool interrupted_ = false;
};

}  // namespace obscura::import
