#include "blob_loader.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <exception>

#include "obscura/blobs/plugin_abi.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/kernel/plugin_loader.hpp"

namespace obscura {

namespace {

const PluginKind& blobsKind() {
    static const PluginKind kind{"blobs",
                                 "blob",
                                 "blobs.plugin",
                                 "blobs.pluginDir (OBSCURA_BLOBS_PLUGIN_DIR)",
                                 "local",
                                 OBSCURA_BLOBS_ENTRY_SYMBOL,
                                 blobs::kBlobsAbiVersion};
    return kind;
}

// The text of any key, whatever its type (the plugin parses its own settings).
std::string settingText(const Config& config, const ConfigKey& key) {
    switch (key.type) {
        case ConfigType::String:
            return config.getString(key.key);
        case ConfigType::Int:
            return std::to_string(config.getInt(key.key));
        case ConfigType::Bool:
            return config.getBool(key.key) ? "true" : "false";
        case ConfigType::StringList: {
            std::string joined;
            for (const auto& item : config.getList(key.key)) joined += (joined.empty() ? "" : ",") + item;
            return joined;
        }
    }
    return {};
}

// Per-operation counters and latencies of whichever store is loaded.
class BlobMetrics {
public:
    explicit BlobMetrics(prometheus::Registry& registry)
        : total_(prometheus::BuildCounter()
                     .Name("obscura_blob_operations_total")
                     .Help("Blob store operations, by operation and outcome")
                     .Register(registry)),
          bytes_(prometheus::BuildCounter()
                     .Name("obscura_blob_bytes_total")
                     .Help("Bytes moved by blob store operations, by operation")
                     .Register(registry)),
          seconds_(prometheus::BuildHistogram()
                       .Name("obscura_blob_operation_seconds")
                       .Help("Time taken by blob store operations, by operation")
                       .Register(registry)) {}

    void observe(const blobs::BlobOperation& op) {
        static const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
                                                                      1,     5,     10,   30,   120};
        const std::string name(op.op);
        total_.Add({{"op", name}, {"outcome", op.ok ? "ok" : "error"}}).Increment();
        if (op.bytes > 0) bytes_.Add({{"op", name}}).Increment(static_cast<double>(op.bytes));
        seconds_.Add({{"op", name}}, kBuckets).Observe(op.seconds);
    }

private:
    prometheus::Family<prometheus::Counter>& total_;
    prometheus::Family<prometheus::Counter>& bytes_;
    prometheus::Family<prometheus::Histogram>& seconds_;
};

}  // namespace

std::vector<std::string> blobPluginCandidates(const std::string& name, const std::string& pluginDir) {
    return pluginCandidates(blobsKind(), name, pluginDir);
}

Expected<LoadedBlobs> loadBlobPlugin(const std::string& name, const std::string& pluginDir) {
    OBSCURA_TRY(loaded, loadPlugin(blobsKind(), name, pluginDir,
                                   entryReader<obscura_blobs_plugin_v1>(blobs::kBlobsAbiVersion)));
    return LoadedBlobs{loaded.handle, static_cast<blobs::BlobStoreFactory*>(loaded.factory), loaded.name, loaded.path,
                       loaded.abiVersion};
}

Expected<std::unique_ptr<blobs::BlobStore>> openBlobStore(const LoadedBlobs& plugin,
                                                          const blobs::BlobStoreOptions& options) {
    if (plugin.factory == nullptr) return internalError("blob plugin '" + plugin.name + "' is not loaded");
    try {
        auto opened = plugin.factory->open(options);
        if (!opened) {
            return Error(opened.error().code, "blob store '" + plugin.name + "': " + opened.error().message);
        }
        if (*opened == nullptr) {
            return internalError("blob plugin " + plugin.path + " reported success but returned no store");
        }
        return opened;
    } catch (const std::exception& e) {
        return internalError("blob plugin " + plugin.path + " threw while opening: " + e.what());
    } catch (...) {
        return internalError("blob plugin " + plugin.path + " threw while opening");
    }
}

Expected<std::unique_ptr<blobs::BlobStore>> openConfiguredBlobStore(const Config& config, const std::string& dataDir,
                                                                    Metrics* metrics) {
    return openNamedBlobStore(config, config.getString("blobs.plugin"), dataDir, metrics);
}

Expected<std::unique_ptr<blobs::BlobStore>> openNamedBlobStore(const Config& config, const std::string& name,
                                                               const std::string& dataDir, Metrics* metrics) {
    OBSCURA_TRY(plugin, loadBlobPlugin(name, config.getString("blobs.pluginDir")));
    blobs::BlobStoreOptions options;
    options.dataDir = dataDir;
    const std::string prefix = "blobs." + name + ".";
    for (const auto& key : Config::schema()) {
        if (key.key.rfind(prefix, 0) == 0) options.settings[key.key.substr(prefix.size())] = settingText(config, key);
    }
    options.logWarning = [](std::string_view message) { log::warn(std::string(message)); };
    if (metrics != nullptr) {
        auto counters = std::make_shared<BlobMetrics>(metrics->registry());
        options.observe = [counters](const blobs::BlobOperation& op) { counters->observe(op); };
    }
    return openBlobStore(plugin, options);
}

}  // namespace obscura
