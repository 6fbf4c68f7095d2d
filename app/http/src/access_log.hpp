#pragma once
#include <cstdint>
#include <string_view>

namespace obscura::httpd {

// One finished (or abandoned) request. Deliberately has no field for the query string, headers or body:
// they carry tokens and share keys, so the access log cannot leak them.
struct AccessRecord {
    std::string_view requestId;
    std::string_view method;
    std::string_view path;   // decoded path, never the query
    std::string_view route;  // the matched pattern or "unmatched"
    int status = 0;
    std::uint64_t bytesOut = 0;
    std::uint64_t bytesIn = 0;
    double durationMs = 0;
    std::string_view clientIp;
    std::string_view userId;  // empty when nobody was authenticated
};

void writeAccessLog(const AccessRecord& record);

}  // namespace obscura::httpd
