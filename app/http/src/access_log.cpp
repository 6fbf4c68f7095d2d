#include "access_log.hpp"

#include <chrono>
#include <cstdio>
#include <string>

#include "obscura/base/json_text.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::httpd {
namespace {

void appendField(std::string& out, std::string_view name, std::string_view value) {
    out += ",\"";
    out += name;
    out += "\":";
    appendJsonString(out, value);
}

void appendNumber(std::string& out, std::string_view name, std::uint64_t value) {
    out += ",\"";
    out += name;
    out += "\":";
    out += std::to_string(value);
}

}  // namespace

void writeAccessLog(const AccessRecord& r) {
    std::string line;
    line.reserve(256 + r.path.size());
    // Same "ts" (epoch milliseconds) and "level" as every other log line, so one log pipeline can read both.
    line += "{\"ts\":";
    line += std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count());
    line += ",\"level\":\"info\"";
    appendField(line, "requestId", r.requestId);
    appendField(line, "method", r.method);
    appendField(line, "path", r.path);
    appendField(line, "route", r.route);
    appendNumber(line, "status", static_cast<std::uint64_t>(r.status));
    appendNumber(line, "bytesOut", r.bytesOut);
    appendNumber(line, "bytesIn", r.bytesIn);
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", r.durationMs);
    line += ",\"durationMs\":";
    line += duration;
    appendField(line, "clientIp", r.clientIp);
    if (!r.userId.empty()) appendField(line, "userId", r.userId);
    line.push_back('}');
    log::jsonLine(line);
}

}  // namespace obscura::httpd
