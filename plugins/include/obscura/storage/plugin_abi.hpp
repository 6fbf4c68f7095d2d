#pragma once
// The one C entry point of a storage plugin. The loader reads abi_version before touching anything else,
// so the first member's type and position never change. Bump kStorageAbiVersion whenever storage.hpp,
// records.hpp or any repository interface changes: the executable and its plugins must agree exactly.
#include <cstdint>

namespace obscura::storage {
class StorageFactory;
inline constexpr std::uint32_t kStorageAbiVersion = 10;  // 8: upload parts, backup/restore, dupes, mfa; 9: live photos;
                                                         // 10: ImagesRepository::visitAssets
}  // namespace obscura::storage

extern "C" {
struct obscura_storage_plugin_v1 {
    std::uint32_t abi_version;
    const char* name;
    obscura::storage::StorageFactory* factory;
};
// Each plugin defines exactly this symbol and exports nothing else.
const obscura_storage_plugin_v1* obscura_storage_plugin_entry(void);
}

#define OBSCURA_STORAGE_ENTRY_SYMBOL "obscura_storage_plugin_entry"
#define OBSCURA_STORAGE_EXPORT extern "C" __attribute__((visibility("default")))
