#include "bus_loader.hpp"

#include <exception>

#include "obscura/bus/plugin_abi.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/event_relay.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/plugin_loader.hpp"

namespace obscura {

namespace {

const PluginKind& busKind() {
    static const PluginKind kind{"bus",
                                 "bus",
                                 "bus.broker",
                                 "bus.pluginDir (OBSCURA_BUS_PLUGIN_DIR)",
                                 "amqp",
                                 OBSCURA_BUS_ENTRY_SYMBOL,
                                 bus::kBusAbiVersion};
    return kind;
}

}  // namespace

std::vector<std::string> busPluginCandidates(const std::string& name, const std::string& pluginDir) {
    return pluginCandidates(busKind(), name, pluginDir);
}

Expected<LoadedBus> loadBusPlugin(const std::string& name, const std::string& pluginDir) {
    OBSCURA_TRY(loaded,
                loadPlugin(busKind(), name, pluginDir, entryReader<obscura_bus_plugin_v1>(bus::kBusAbiVersion)));
    return LoadedBus{loaded.handle, static_cast<bus::BrokerFactory*>(loaded.factory), loaded.name, loaded.path,
                     loaded.abiVersion};
}

Expected<std::unique_ptr<bus::Broker>> openConfiguredBroker(const Config& config, const std::string& instanceId,
                                                            EventRelay& relay) {
    const std::string name = config.getString("bus.broker");
    if (name == "none") return std::unique_ptr<bus::Broker>{};
    OBSCURA_TRY(plugin, loadBusPlugin(name, config.getString("bus.pluginDir")));
    bus::BrokerOptions options;
    options.instanceId = instanceId;
    const std::string prefix = "bus." + name + ".";
    for (const auto& key : Config::schema()) {
        if (key.key.rfind(prefix, 0) != 0) continue;
        options.settings[key.key.substr(prefix.size())] =
            key.type == ConfigType::Int ? std::to_string(config.getInt(key.key)) : config.getString(key.key);
    }
    options.logInfo = [](std::string_view m) { log::info(std::string(m)); };
    options.logWarning = [](std::string_view m) { log::warn(std::string(m)); };
    options.deliver = [&relay](const bus::BrokerMessage& m) { relay.fromBroker(m); };
    options.connection = [&relay](bool up, std::string_view why) { relay.brokerConnection(up, why); };
    try {
        auto opened = plugin.factory->open(options);
        if (!opened) return Error(opened.error().code, "bus broker '" + name + "': " + opened.error().message);
        if (*opened == nullptr) return internalError("bus plugin " + plugin.path + " returned no broker");
        return opened;
    } catch (const std::exception& e) {
        return internalError("bus plugin " + plugin.path + " threw while opening: " + e.what());
    } catch (...) {
        return internalError("bus plugin " + plugin.path + " threw while opening");
    }
}

}  // namespace obscura
