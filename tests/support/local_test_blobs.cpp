#include "local_test_blobs.hpp"

#include <doctest/doctest.h>

#include "blob_loader.hpp"

namespace obscura::test {

std::unique_ptr<blobs::BlobStore> localBlobs(const std::string& dataDir) {
    // Loaded once: the handle is never closed, as in the server.
    static const auto plugin = loadBlobPlugin("local", OBSCURA_PLUGIN_DIR);
    REQUIRE_MESSAGE(plugin.ok(), (plugin ? "" : plugin.error().message));
    blobs::BlobStoreOptions options;
    options.dataDir = dataDir;
    auto opened = openBlobStore(*plugin, options);
    REQUIRE_MESSAGE(opened.ok(), (opened ? "" : opened.error().message));
    return std::move(*opened);
}

}  // namespace obscura::test
