#pragma once
// Finds, dlopens and checks a blob plugin (obscura_blobs_<name>.so), exactly as storage_loader.hpp does for
// storage plugins (same search path, name rule and errors: plugin_loader.hpp). The executable links no S3 or
// HTTP-client code: this is the only way a blob store reaches it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/blobs/blob_store.hpp"

namespace obscura {

class Config;

struct LoadedBlobs {
    void* handle = nullptr;  // never dlclose'd
    blobs::BlobStoreFactory* factory = nullptr;
    std::string name;
    std::string path;
    std::uint32_t abiVersion = 0;
};

std::vector<std::string> blobPluginCandidates(const std::string& name, const std::string& pluginDir);
Expected<LoadedBlobs> loadBlobPlugin(const std::string& name, const std::string& pluginDir);

// Opens a store through a loaded plugin's factory, guarding against a plugin that throws or answers success with
// no object. The error of a refused open names the plugin.
Expected<std::unique_ptr<blobs::BlobStore>> openBlobStore(const LoadedBlobs& plugin,
                                                          const blobs::BlobStoreOptions& options);

// blobs.plugin from the config, loaded and opened on dataDir with its blobs.<name>.* settings, the kernel's
// warning log and per-operation metrics (obscura_blob_operations_total, obscura_blob_operation_seconds).
class Metrics;
Expected<std::unique_ptr<blobs::BlobStore>> openConfiguredBlobStore(const Config& config, const std::string& dataDir,
                                                                    Metrics* metrics);
// The store of plugin `name` with its blobs.<name>.* settings, whatever blobs.plugin says (migrate-blobs).
Expected<std::unique_ptr<blobs::BlobStore>> openNamedBlobStore(const Config& config, const std::string& name,
                                                               const std::string& dataDir, Metrics* metrics);

}  // namespace obscura
