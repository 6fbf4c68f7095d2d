#pragma once
// bus.amqp.* as the plugin reads them (BrokerOptions::settings without the prefix).
#include <map>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::bus::amqp {

struct AmqpSettings {
    std::string host;
    int port = 5672;
    std::string vhost = "/";
    std::string user = "guest";
    std::string password = "guest";  // bus.amqp.password wins over one in the URL; never logged
    std::string eventsExchange;      // <exchange>.events
    std::string jobsExchange;        // <exchange>.jobs
    int heartbeatSeconds = 10;
    // host:port/vhost as user, without the password: what log lines and errors may show.
    std::string describe() const;
};

// Invalid naming the setting when the URL is missing or malformed.
Expected<AmqpSettings> parseAmqpSettings(const std::map<std::string, std::string>& settings);

}  // namespace obscura::bus::amqp
