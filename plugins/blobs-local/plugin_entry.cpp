// The plugin's only exported symbol (see exports.map): the loader reads abi_version before anything else.
#include "local_blob_store.hpp"
#include "obscura/blobs/plugin_abi.hpp"

namespace {

obscura::blobs::local::LocalBlobStoreFactory gFactory;

const obscura_blobs_plugin_v1 gEntry{obscura::blobs::kBlobsAbiVersion, "local", &gFactory};

}  // namespace

OBSCURA_BLOBS_EXPORT const obscura_blobs_plugin_v1* obscura_blobs_plugin_entry(void) { return &gEntry; }
