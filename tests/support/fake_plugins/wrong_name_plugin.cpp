// Right ABI, wrong identity: a file named obscura_storage_wrongname.so that says it is someone else.
#include "obscura/storage/plugin_abi.hpp"

namespace {
const obscura_storage_plugin_v1 gEntry{obscura::storage::kStorageAbiVersion, "impostor", nullptr};
}

OBSCURA_STORAGE_EXPORT const obscura_storage_plugin_v1* obscura_storage_plugin_entry(void) { return &gEntry; }
