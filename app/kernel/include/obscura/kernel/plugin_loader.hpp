#pragma once
// What every kind of dlopen'd plugin shares (storage: obscura_storage_<name>.so, blobs: obscura_blobs_<name>.so,
// bus, and media's image engine obscura_media_vips.so): the search path, the name rule, the refusal order and the
// error that names every path tried. Each kind's loader (app/storage_loader.hpp, app/blob_loader.hpp, media's
// vips_engine.cpp) supplies its entry symbol and reads its own descriptor. In the kernel so that a module can load
// one too.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

// How one kind of plugin is named and described in errors.
struct PluginKind {
    std::string kind;        // file prefix: obscura_<kind>_<name>.so ("storage", "blobs")
    std::string noun;        // in messages: "<noun> plugin /x.so has …" ("storage", "blob")
    std::string setting;     // the config key naming it ("storage.plugin")
    std::string dirSetting;  // the config key of its folder, with its variable ("storage.pluginDir (OBSCURA_…)")
    std::string example;     // a valid name, for the name error ("sqlite")
    std::string entrySymbol;
    std::uint32_t abiVersion = 0;
};

// A plugin's descriptor as read from its entry point (each kind's C struct has these three members first).
struct PluginEntry {
    std::uint32_t abiVersion = 0;
    const char* name = nullptr;
    void* factory = nullptr;
};

struct LoadedPlugin {
    // The dlopen handle. Never dlclose'd: objects made by the plugin (and their vtables) live until exit.
    void* handle = nullptr;
    void* factory = nullptr;
    std::string name;
    std::string path;  // the file actually loaded
    std::uint32_t abiVersion = 0;
};

// The files loadPlugin tries, in order. With pluginDir set, only <pluginDir>/obscura_<kind>_<name>.so; otherwise,
// relative to the executable's own path (/proc/self/exe, never the working directory):
// <exedir>/../lib/obscura/plugins/ (the installed layout, and the build tree's bin/ + lib/obscura/plugins/),
// then <exedir>/ itself (the documented default, "beside the executable").
std::vector<std::string> pluginCandidates(const PluginKind& kind, const std::string& name,
                                          const std::string& pluginDir);

// Calls the typed entry function found at `symbol` and copies its descriptor into `out`; false when the entry
// point returned no descriptor. It may throw: loadPlugin catches it.
using ReadEntry = std::function<bool(void* symbol, PluginEntry& out)>;

// The ReadEntry of a kind whose C descriptor starts {abi_version, name, factory} (obscura_<kind>_plugin_v1). Only
// abi_version is read until it matches: under another ABI the rest may be laid out differently.
template <typename Descriptor>
ReadEntry entryReader(std::uint32_t abiVersion) {
    return [abiVersion](void* symbol, PluginEntry& out) {
        using EntryFn = const Descriptor* (*)();
        const Descriptor* entry = reinterpret_cast<EntryFn>(symbol)();
        if (entry == nullptr) return false;
        out.abiVersion = entry->abi_version;
        if (out.abiVersion != abiVersion) return true;
        out.name = entry->name;
        out.factory = entry->factory;
        return true;
    };
}

// Loads the first candidate that dlopens. The name must match [a-z0-9_]+. The first file that loads decides:
// a wrong ABI version, a missing entry symbol or a mismatched name is an error naming that file (a broken install
// is not papered over by a copy further down the path). When no candidate loads, the error is one line naming
// every path tried, with dlerror() for files that exist but would not load.
Expected<LoadedPlugin> loadPlugin(const PluginKind& kind, const std::string& name, const std::string& pluginDir,
                                  const ReadEntry& readEntry);

}  // namespace obscura
