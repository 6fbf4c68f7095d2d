#include "http_date.hpp"

#include <ctime>

namespace obscura::httpd {

std::string_view httpDate() {
    thread_local std::time_t cachedSecond = 0;
    thread_local char buffer[40];
    thread_local std::size_t length = 0;
    const std::time_t now = std::time(nullptr);
    if (now != cachedSecond || length == 0) {
        std::tm tm{};
        gmtime_r(&now, &tm);
        length = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        cachedSecond = now;
    }
    return {buffer, length};
}

}  // namespace obscura::httpd
