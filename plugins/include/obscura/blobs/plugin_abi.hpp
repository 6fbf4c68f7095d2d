#pragma once
// The one C entry point of a blob plugin (obscura_blobs_<name>.so), the same shape as a storage plugin's
// (obscura/storage/plugin_abi.hpp). The loader reads abi_version before touching anything else, so the first
// member's type and position never change. Bump kBlobsAbiVersion whenever blob_store.hpp or blob_key.hpp
// changes: the executable and its blob plugins must agree exactly.
#include <cstdint>

namespace obscura::blobs {
class BlobStoreFactory;
inline constexpr std::uint32_t kBlobsAbiVersion = 3;  // 2: beginStagedPut, circuit(); 3: parts (issue 20)
}  // namespace obscura::blobs

extern "C" {
struct obscura_blobs_plugin_v1 {
    std::uint32_t abi_version;
    const char* name;
    obscura::blobs::BlobStoreFactory* factory;
};
// Each blob plugin defines exactly this symbol and exports nothing else.
const obscura_blobs_plugin_v1* obscura_blobs_plugin_entry(void);
}

#define OBSCURA_BLOBS_ENTRY_SYMBOL "obscura_blobs_plugin_entry"
#define OBSCURA_BLOBS_EXPORT extern "C" __attribute__((visibility("default")))
