#pragma once
// Finds, dlopens and checks a storage plugin (obscura_storage_<name>.so). The executable never links a
// database client: this is the only way storage reaches it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura {

struct LoadedStorage {
    // The dlopen handle. Never dlclose'd: objects made by the plugin (and their vtables) live until exit.
    void* handle = nullptr;
    storage::StorageFactory* factory = nullptr;
    std::string name;
    std::string path;  // the file actually loaded
    std::uint32_t abiVersion = 0;
};

// The files loadStoragePlugin tries, in order. With pluginDir set, only <pluginDir>/obscura_storage_<name>.so;
// otherwise, relative to the executable's own path (/proc/self/exe, never the working directory):
// <exedir>/../lib/obscura/plugins/ (the installed layout, and the build tree's bin/ + lib/obscura/plugins/),
// then <exedir>/ itself (storage.pluginDir's documented default, "beside the executable").
std::vector<std::string> storagePluginCandidates(const std::string& name, const std::string& pluginDir);

// Loads the first candidate that dlopens. The name must match [a-z0-9_]+. The first file that loads decides:
// a wrong ABI version, a missing entry symbol or a mismatched name is an error naming that file (a broken
// install is not papered over by a copy further down the path). When no candidate loads, the error is one
// line naming every path tried, with dlerror() for files that exist but would not load.
Expected<LoadedStorage> loadStoragePlugin(const std::string& name, const std::string& pluginDir);

// Opens a storage through a loaded plugin's factory, guarding against a plugin that breaks its contract
// (throws, or answers success with no object).
Expected<std::unique_ptr<storage::Storage>> openStorage(const LoadedStorage& plugin,
                                                        const storage::StorageOptions& options);

}  // namespace obscura
