#include "s3_support.hpp"

#include <doctest/doctest.h>

#include "blob_loader.hpp"
#include "test_support.hpp"

namespace obscura::test {

std::unique_ptr<blobs::BlobStore> directS3Store(const std::map<std::string, std::string>& overrides) {
    auto plugin = loadBlobPlugin("s3", pluginDir());
    REQUIRE(plugin.ok());
    blobs::BlobStoreOptions options;
    const std::string prefix = "blobs.s3.";
    for (const auto& [key, value] : overrides) {
        if (key.rfind(prefix, 0) == 0) options.settings[key.substr(prefix.size())] = value;
    }
    auto store = openBlobStore(*plugin, options);
    REQUIRE_MESSAGE(store.ok(), (store ? "" : store.error().message));
    return std::move(*store);
}

std::string readObject(blobs::BlobStore& store, const std::string& key) {
    auto reader = store.open(key, {});
    REQUIRE_MESSAGE(reader.ok(), (reader ? "" : reader.error().message));
    std::string bytes;
    char buffer[1 << 16];
    while (true) {
        auto n = (*reader)->read(buffer, sizeof buffer);
        REQUIRE(n.ok());
        if (*n == 0) break;
        bytes.append(buffer, *n);
    }
    return bytes;
}

std::vector<std::string> listKeys(blobs::BlobStore& store, const std::string& prefix) {
    std::vector<std::string> keys;
    std::string next;
    do {
        auto page = store.list(prefix, next, 1000);
        REQUIRE_MESSAGE(page.ok(), (page ? "" : page.error().message));
        for (const auto& e : page->entries) keys.push_back(e.key);
        next = page->next;
    } while (!next.empty());
    return keys;
}

}  // namespace obscura::test
