#pragma once
// Visits every file under <dataDir>/library/ without following symbolic links (a link is reported like a
// file: nothing the server writes is one). Folders are not visited.
#include <sys/stat.h>

#include <atomic>
#include <functional>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::images {

// fn gets the path relative to the data dir ("library/<owner>/…") and its lstat. A failing fn stops the walk
// with its error; so does `stop` becoming true (answering success).
using LibraryFileFn = std::function<Status(const std::string& relativePath, const struct stat& st)>;
Status walkLibrary(const std::string& dataDir, const LibraryFileFn& fn, const std::atomic<bool>* stop = nullptr);

// The later of mtime and ctime, in seconds: when a file was last written or renamed.
std::int64_t lastTouched(const struct stat& st);

}  // namespace obscura::images
