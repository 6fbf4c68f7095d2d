#include "mysql_server_version.hpp"

#include <cstdio>
#include <tuple>

namespace obscura::mysql {

ServerVersion parseServerVersion(const std::string& text) {
    ServerVersion version;
    if (std::sscanf(text.c_str(), "%d.%d.%d", &version.major, &version.minor, &version.patch) < 2) return {};
    version.mariadb = text.find("MariaDB") != std::string::npos;
    return version;
}

Status checkServerVersion(Connection& connection) {
    auto stmt = connection.prepare("SELECT VERSION()");
    auto rows = stmt.query();
    const std::string text = rows.next() ? rows.text(0) : "";
    const auto version = parseServerVersion(text);
    const auto at = std::make_tuple(version.major, version.minor, version.patch);
    const bool supported = version.mariadb ? at >= std::make_tuple(10, 6, 0) : at >= std::make_tuple(8, 0, 16);
    if (!supported) {
        return invalid("storage mysql: the server is " + (text.empty() ? std::string("of unknown version") : text) +
                       "; Obscura needs MariaDB 10.6 or newer, or MySQL 8.0.16 or newer");
    }
    return {};
}

}  // namespace obscura::mysql
