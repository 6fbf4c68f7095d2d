#pragma once
// Visits every blob under library/ in the blob store (key order, a page at a time: bounded memory whatever the
// library's size). Used by `obscura fsck` and start-up's orphan count.
#include <sys/stat.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/blobs/blob_store.hpp"

namespace obscura::images {

// fn gets each blob ("library/<owner>/…", its size and when it was last written). A failing fn stops the walk
// with its error; so does `stop` becoming true (answering success).
using LibraryBlobFn = std::function<Status(const blobs::BlobEntry& entry)>;
Status walkLibrary(blobs::BlobStore& blobs, const LibraryBlobFn& fn, const std::atomic<bool>* stop = nullptr);

// The later of mtime and ctime, in seconds: when a file was last written or renamed.
std::int64_t lastTouched(const struct stat& st);

}  // namespace obscura::images
