#pragma once
// SHA-256 and size of a blob or a file, read whole in 1 MiB pieces — optionally copying the bytes to a file on the
// way (migrate-blobs' temp file, a backup's copy of a local blob, a restore's copy before its put).
#include <cstdint>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

namespace blobs {
class BlobStore;
}

struct Digest {
    std::string sha256;  // lower-case hex
    std::uint64_t size = 0;
};

// Reads `key` whole through the store; with copyTo, also writes the bytes there (not fsynced: the caller syncs).
Expected<Digest> digestBlob(blobs::BlobStore& store, const std::string& key, const std::string& copyTo = "");
// The same for a file on disk; NotFound when it is not there.
Expected<Digest> digestFile(const std::string& path, const std::string& copyTo = "");

}  // namespace obscura
