#pragma once
// Finds, dlopens and checks a bus plugin (obscura_bus_<name>.so, bus.broker), exactly as blob_loader.hpp does for
// blob stores (same search path, name rule and errors: plugin_loader.hpp). The executable links no AMQP client:
// this is the only way a broker reaches it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/bus/broker.hpp"

namespace obscura {

class Config;
class EventRelay;

struct LoadedBus {
    void* handle = nullptr;  // never dlclose'd
    bus::BrokerFactory* factory = nullptr;
    std::string name;
    std::string path;
    std::uint32_t abiVersion = 0;
};

std::vector<std::string> busPluginCandidates(const std::string& name, const std::string& pluginDir);
Expected<LoadedBus> loadBusPlugin(const std::string& name, const std::string& pluginDir);

// bus.broker from the config ("none": null), loaded and opened with its bus.<name>.* settings, the kernel's log, and
// the relay's callbacks (deliveries and connection changes go to relay). It connects in the background.
Expected<std::unique_ptr<bus::Broker>> openConfiguredBroker(const Config& config, const std::string& instanceId,
                                                            EventRelay& relay);

}  // namespace obscura
