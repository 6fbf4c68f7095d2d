// The plugin's only exported symbol (see exports.map): the loader reads abi_version before anything else.
#include "amqp_broker.hpp"
#include "obscura/bus/plugin_abi.hpp"

namespace {

obscura::bus::amqp::AmqpBrokerFactory gFactory;

const obscura_bus_plugin_v1 gEntry{obscura::bus::kBusAbiVersion, "amqp", &gFactory};

}  // namespace

OBSCURA_BUS_EXPORT const obscura_bus_plugin_v1* obscura_bus_plugin_entry(void) { return &gEntry; }
