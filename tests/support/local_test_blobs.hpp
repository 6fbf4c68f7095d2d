#pragma once
// The local blob store (obscura_blobs_local.so) over a test's own data dir, loaded through the server's loader:
// unit tests of code that keeps bytes run against the same store the server uses by default.
#include <memory>
#include <string>

#include "obscura/blobs/blob_store.hpp"

namespace obscura::test {

// dataDir must exist and be absolute (a TempDir's path is).
std::unique_ptr<blobs::BlobStore> localBlobs(const std::string& dataDir);

}  // namespace obscura::test
