#include "obscura/kernel/plugin_loader.hpp"

#include <dlfcn.h>

#include <exception>
#include <filesystem>
#include <system_error>

#include "obscura/kernel/executable_dir.hpp"

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

std::string fileName(const PluginKind& kind, const std::string& name) {
    return "obscura_" + kind.kind + "_" + name + ".so";
}

Expected<fs::path> pluginSearchDir(const PluginKind& kind) {
    auto dir = executableDir();
    if (!dir) return unavailable(dir.error().message + "; set " + kind.dirSetting);
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

// Checks the entry of a freshly dlopen'd file; closes it again when it is refused.
Expected<LoadedPlugin> inspect(const PluginKind& kind, void* handle, const std::string& path, const std::string& name,
                               const ReadEntry& readEntry) {
    const std::string what = kind.noun + " plugin " + path;
    const auto refuse = [&](std::string message) -> Expected<LoadedPlugin> {
        dlclose(handle);  // nothing from it is in use yet
        return invalid(std::move(message));
    };
    dlerror();
    void* symbol = dlsym(handle, kind.entrySymbol.c_str());
    if (symbol == nullptr) {
        return refuse(what + " has no entry symbol '" + kind.entrySymbol + "' (" + lastDlError(path) +
                      "); it is not an obscura " + kind.noun + " plugin or was built without exporting it");
    }
    PluginEntry entry;
    bool described = false;
    try {
        described = readEntry(symbol, entry);
    } catch (...) {
        return refuse(what + ": its entry point threw");
    }
    if (!described) return refuse(what + ": its entry point returned no descriptor");
    // abi_version first, before any other member: under another ABI the rest may be laid out differently.
    if (entry.abiVersion != kind.abiVersion) {
        return refuse(what + " has ABI version " + std::to_string(entry.abiVersion) +
                      " but this obscura needs ABI version " + std::to_string(kind.abiVersion) +
                      "; install the plugin built with this obscura");
    }
    if (entry.name == nullptr || name != entry.name) {
        return refuse(what + " calls itself '" + (entry.name ? entry.name : "") + "', not '" + name + "'");
    }
    if (entry.factory == nullptr) return refuse(what + " has no " + kind.noun + " factory");
    return LoadedPlugin{handle, entry.factory, name, path, entry.abiVersion};
}

}  // namespace

std::vector<std::string> pluginCandidates(const PluginKind& kind, const std::string& name,
                                          const std::string& pluginDir) {
    std::vector<std::string> candidates;
    if (!pluginDir.empty()) {
        // A configured directory is the user's own words, so a relative one means relative to where they
        // started us; only the default search must not depend on the working directory.
        std::error_code ec;
        fs::path dir = fs::absolute(pluginDir, ec);
        if (ec) dir = pluginDir;
        candidates.push_back((dir / fileName(kind, name)).lexically_normal().string());
        return candidates;
    }
    auto exeDir = pluginSearchDir(kind);
    if (!exeDir) return candidates;
    candidates.push_back(
        (*exeDir / ".." / "lib" / "obscura" / "plugins" / fileName(kind, name)).lexically_normal().string());
    candidates.push_back((*exeDir / fileName(kind, name)).lexically_normal().string());
    return candidates;
}

Expected<LoadedPlugin> loadPlugin(const PluginKind& kind, const std::string& name, const std::string& pluginDir,
                                  const ReadEntry& readEntry) {
    if (!isValidName(name)) {
        return invalid(kind.setting + " '" + name + "' is not a valid plugin name (expected 1-" +
                       std::to_string(kMaxNameLength) + " characters of a-z, 0-9 and _, e.g. " + kind.example + ")");
    }
    if (pluginDir.empty()) {
        // Surface why the default search has no candidates instead of claiming nothing was found.
        auto exeDir = pluginSearchDir(kind);
        if (!exeDir) return exeDir.error();
    }
    std::string tried;
    for (const auto& path : pluginCandidates(kind, name, pluginDir)) {
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
        return inspect(kind, handle, path, name, readEntry);
    }
    std::string message = kind.noun + " plugin '" + name + "' could not be loaded; tried: " + tried;
    if (pluginDir.empty()) message += "; set " + kind.dirSetting + " to look elsewhere";
    return Error(ErrorCode::NotFound, std::move(message));
}

}  // namespace obscura
