// A plugin from a future ABI: the loader must refuse it after reading abi_version and nothing else.
#include "obscura/storage/plugin_abi.hpp"

namespace {
const obscura_storage_plugin_v1 gEntry{999, "badabi", nullptr};
}

OBSCURA_STORAGE_EXPORT const obscura_storage_plugin_v1* obscura_storage_plugin_entry(void) { return &gEntry; }
