#pragma once
// The one C entry point of a bus plugin (obscura_bus_<name>.so), the same shape as a storage or blob plugin's. The
// loader reads abi_version before touching anything else, so the first member's type and position never change.
// Bump kBusAbiVersion whenever broker.hpp changes: the executable and its bus plugins must agree exactly.
#include <cstdint>

namespace obscura::bus {
class BrokerFactory;
inline constexpr std::uint32_t kBusAbiVersion = 1;
}  // namespace obscura::bus

extern "C" {
struct obscura_bus_plugin_v1 {
    std::uint32_t abi_version;
    const char* name;
    obscura::bus::BrokerFactory* factory;
};
// Each bus plugin defines exactly this symbol and exports nothing else.
const obscura_bus_plugin_v1* obscura_bus_plugin_entry(void);
}

#define OBSCURA_BUS_ENTRY_SYMBOL "obscura_bus_plugin_entry"
#define OBSCURA_BUS_EXPORT extern "C" __attribute__((visibility("default")))
