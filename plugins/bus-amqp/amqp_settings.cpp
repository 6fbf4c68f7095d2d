#include "amqp_settings.hpp"

#include <amqp.h>

#include <charconv>
#include <vector>

namespace obscura::bus::amqp {

namespace {

std::string setting(const std::map<std::string, std::string>& s, const std::string& key, std::string fallback = {}) {
    auto it = s.find(key);
    return it == s.end() || it->second.empty() ? fallback : it->second;
}

}  // namespace

std::string AmqpSettings::describe() const {
    return user + "@" + host + ":" + std::to_string(port) + (vhost.rfind('/', 0) == 0 ? vhost : "/" + vhost);
}

Expected<AmqpSettings> parseAmqpSettings(const std::map<std::string, std::string>& settings) {
    const std::string url = setting(settings, "url");
    if (url.empty()) return invalid("bus.amqp.url is empty; set it to amqp://user@host:5672/vhost");
    if (url.rfind("amqp://", 0) != 0)
        return invalid("bus.amqp.url must start with amqp:// (amqps is not supported by this build)");
    // amqp_parse_url decodes in place and points into the buffer it was given.
    std::vector<char> buffer(url.begin(), url.end());
    buffer.push_back('\0');
    amqp_connection_info info{};
    amqp_default_connection_info(&info);
    if (amqp_parse_url(buffer.data(), &info) != AMQP_STATUS_OK || info.host == nullptr || *info.host == '\0')
        return invalid("bus.amqp.url is not a valid AMQP URL (amqp://user@host:5672/vhost)");
    AmqpSettings out;
    out.host = info.host;
    out.port = info.port;
    out.vhost = info.vhost != nullptr && *info.vhost != '\0' ? info.vhost : "/";
    out.user = info.user != nullptr ? info.user : "guest";
    out.password = setting(settings, "password", info.password != nullptr ? info.password : "guest");
    const std::string prefix = setting(settings, "exchange", "obscura");
    out.eventsExchange = prefix + ".events";
    out.jobsExchange = prefix + ".jobs";
    const std::string heartbeat = setting(settings, "heartbeatSeconds", "10");
    auto [end, ec] = std::from_chars(heartbeat.data(), heartbeat.data() + heartbeat.size(), out.heartbeatSeconds);
    if (ec != std::errc() || end != heartbeat.data() + heartbeat.size() || out.heartbeatSeconds < 0)
        return invalid("bus.amqp.heartbeatSeconds must be a whole number of seconds >= 0");
    return out;
}

}  // namespace obscura::bus::amqp
