#include "storage_loader.hpp"

#include <exception>

#include "obscura/kernel/plugin_loader.hpp"
#include "obscura/storage/plugin_abi.hpp"

namespace obscura {

namespace {

const PluginKind& storageKind() {
    static const PluginKind kind{"storage",
                                 "storage",
                                 "storage.plugin",
                                 "storage.pluginDir (OBSCURA_STORAGE_PLUGIN_DIR)",
                                 "sqlite",
                                 OBSCURA_STORAGE_ENTRY_SYMBOL,
                                 storage::kStorageAbiVersion};
    return kind;
}

}  // namespace

std::vector<std::string> storagePluginCandidates(const std::string& name, const std::string& pluginDir) {
    return pluginCandidates(storageKind(), name, pluginDir);
}

Expected<LoadedStorage> loadStoragePlugin(const std::string& name, const std::string& pluginDir) {
    OBSCURA_TRY(loaded, loadPlugin(storageKind(), name, pluginDir,
                                   entryReader<obscura_storage_plugin_v1>(storage::kStorageAbiVersion)));
    return LoadedStorage{loaded.handle, static_cast<storage::StorageFactory*>(loaded.factory), loaded.name, loaded.path,
                         loaded.abiVersion};
}

Expected<std::unique_ptr<storage::Storage>> openStorage(const LoadedStorage& plugin,
                                                        const storage::StorageOptions& options) {
    if (plugin.factory == nullptr) return internalError("storage plugin '" + plugin.name + "' is not loaded");
    try {
        auto opened = plugin.factory->open(options);
        if (opened.ok() && *opened == nullptr) {
            return internalError("storage plugin " + plugin.path + " reported success but returned no storage");
        }
        return opened;
    } catch (const std::exception& e) {
        return internalError("storage plugin " + plugin.path + " threw while opening: " + e.what());
    } catch (...) {
        return internalError("storage plugin " + plugin.path + " threw while opening");
    }
}

}  // namespace obscura
