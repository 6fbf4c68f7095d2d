#include "storage_loader.hpp"

#include <dlfcn.h>

#include <exception>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "executable_dir.hpp"
#include "obscura/storage/plugin_abi.hpp"

namespace obscura {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxNameLength = 64;

bool isValidName(const std::string& name) {
    if (name.empty() || name.size() > kMaxNameLength) return false;
    for (const char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

std::string fileName(const std::string& name) { return "obscura_storage_" + name + ".so"; }

Expected<fs::path> pluginSearchDir() {
    auto dir = executableDir();
    if (!dir) return unavailable(dir.error().message + "; set storage.pluginDir (OBSCURA_STORAGE_PLUGIN_DIR)");
    return dir;
}

// dlerror() usually starts with the path itself; drop it, the message already names the file.
std::string lastDlError(const std::string& path) {
    const char* raw = dlerror();
    std::string message = raw != nullptr ? raw : "unknown dlopen error";
    const std::string prefix = path + ": ";
    if (message.compare(0, prefix.size(), prefix) == 0) message.erase(0, prefix.size());
    return message;
}

std::string abiVersionText(std::uint32_t version) { return std::to_string(version); }

// Checks the entry of a freshly dlopen'd file; closes it again when it is refused.
Expected<LoadedStorage> inspect(void* handle, const std::string& path, const std::string& name) {
    const auto refuse = [&](std::string message) -> Expected<LoadedStorage> {
        dlclose(handle);  // nothing from it is in use yet
        return invalid(std::move(message));
    };
    dlerror();
    void* symbol = dlsym(handle, OBSCURA_STORAGE_ENTRY_SYMBOL);
    if (symbol == nullptr) {
        return refuse("storage plugin " + path + " has no entry symbol '" OBSCURA_STORAGE_ENTRY_SYMBOL "' (" +
                      lastDlError(path) + "); it is not an obscura storage plugin or was built without exporting it");
    }
    using EntryFn = const obscura_storage_plugin_v1* (*)();
    const auto entryFn = reinterpret_cast<EntryFn>(symbol);
    const obscura_storage_plugin_v1* entry = nullptr;
    try {
        entry = entryFn();
    } catch (...) {
        return refuse("storage plugin " + path + ": its entry point threw");
    }
    if (entry == nullptr) return refuse("storage plugin " + path + ": its entry point returned no descriptor");
    // abi_version first, before any other member: under another ABI the rest may be laid out differently.
    if (entry->abi_version != storage::kStorageAbiVersion) {
        return refuse("storage plugin " + path + " has ABI version " + abiVersionText(entry->abi_version) +
                      " but this obscura needs ABI version " + abiVersionText(storage::kStorageAbiVersion) +
                      "; install the plugin built with this obscura");
    }
    if (entry->name == nullptr || name != entry->name) {
        return refuse("storage plugin " + path + " calls itself '" + (entry->name ? entry->name : "") + "', not '" +
                      name + "'");
    }
    if (entry->factory == nullptr) return refuse("storage plugin " + path + " has no storage factory");
    return LoadedStorage{handle, entry->factory, name, path, entry->abi_version};
}

}  // namespace

std::vector<std::string> storagePluginCandidates(const std::string& name, const std::string& pluginDir) {
    std::vector<std::string> candidates;
    if (!pluginDir.empty()) {
        // A configured directory is the user's own words, so a relative one means relative to where they
        // started us; only the default search must not depend on the working directory.
        std::error_code ec;
        fs::path dir = fs::absolute(pluginDir, ec);
        if (ec) dir = pluginDir;
        candidates.push_back((dir / fileName(name)).lexically_normal().string());
        return candidates;
    }
    auto exeDir = pluginSearchDir();
    if (!exeDir) return candidates;
    candidates.push_back((*exeDir / ".." / "lib" / "obscura" / "plugins" / fileName(name)).lexically_normal().string());
    candidates.push_back((*exeDir / fileName(name)).lexically_normal().string());
    return candidates;
}

Expected<LoadedStorage> loadStoragePlugin(const std::string& name, const std::string& pluginDir) {
    if (!isValidName(name)) {
        return invalid("storage.plugin '" + name + "' is not a valid plugin name (expected 1-" +
                       std::to_string(kMaxNameLength) + " characters of a-z, 0-9 and _, e.g. sqlite)");
    }
    if (pluginDir.empty()) {
        // Surface why the default search has no candidates instead of claiming nothing was found.
        auto exeDir = pluginSearchDir();
        if (!exeDir) return exeDir.error();
    }
    std::string tried;
    for (const auto& path : storagePluginCandidates(name, pluginDir)) {
        if (!tried.empty()) tried += ", ";
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            tried += path + " (not found)";
            continue;
        }
        dlerror();
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            tried += path + " (" + lastDlError(path) + ")";
            continue;
        }
        return inspect(handle, path, name);
    }
    std::string message = "storage plugin '" + name + "' could not be loaded; tried: " + tried;
    if (pluginDir.empty()) message += "; set storage.pluginDir (OBSCURA_STORAGE_PLUGIN_DIR) to look elsewhere";
    return Error(ErrorCode::NotFound, std::move(message));
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
