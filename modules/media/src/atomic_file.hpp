#pragma once
// Derivatives appear whole or not at all: written to a temporary file in the target's own directory (so the
// rename cannot cross file systems), fsync'd, renamed over the target, then the directory fsync'd. A job that
// dies half-way leaves only a dot-file that a rerun never mistakes for output. Idempotent: a rerun replaces.
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::media {

// A temporary file beside `target` that a writer (libvips, ffmpeg) fills; removed unless commit() succeeds.
class PendingFile {
public:
    // Creates "<dir>/.<name>.tmp-XXXXXX" (mode 0644). The directory must exist. Errors are Internal.
    static Expected<PendingFile> create(const std::string& target);
    PendingFile(PendingFile&& other) noexcept;
    PendingFile& operator=(PendingFile&&) = delete;
    PendingFile(const PendingFile&) = delete;
    ~PendingFile();

    const std::string& path() const { return path_; }
    const std::string& target() const { return target_; }
    // fsync, rename onto the target, fsync the directory. Fails (Internal) when the file is missing or empty:
    // a writer that reported success but produced nothing must not become a derivative.
    Status commit();

private:
    PendingFile(std::string path, std::string target) : path_(std::move(path)), target_(std::move(target)) {}
    std::string path_, target_;
    bool done_ = false;
};

// Writes `data` to `target` through a PendingFile.
Status writeFileAtomically(const std::string& target, std::string_view data);

}  // namespace obscura::media
