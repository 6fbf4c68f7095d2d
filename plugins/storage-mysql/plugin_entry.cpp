// The plugin's only exported symbol (see exports.map): the loader reads abi_version before anything else.
#include "mysql_storage.hpp"
#include "obscura/storage/plugin_abi.hpp"

namespace {

obscura::mysql::MysqlStorageFactory gFactory;

const obscura_storage_plugin_v1 gEntry{obscura::storage::kStorageAbiVersion, "mysql", &gFactory};

}  // namespace

OBSCURA_STORAGE_EXPORT const obscura_storage_plugin_v1* obscura_storage_plugin_entry(void) { return &gEntry; }
