#pragma once
// The servers this plugin supports: MariaDB 10.6+ and MySQL 8.0.16+ (SKIP LOCKED, enforced CHECK constraints).
#include <string>

#include "mysql_connection.hpp"
#include "obscura/base/expected.hpp"

namespace obscura::mysql {

struct ServerVersion {
    bool mariadb = false;
    int major = 0;
    int minor = 0;
    int patch = 0;
};

// "10.11.6-MariaDB-0+deb12u1", "8.0.36", "8.0.36-0ubuntu0.22.04.1"; nullopt-like {0,0,0} when unreadable.
ServerVersion parseServerVersion(const std::string& text);

// Invalid, naming the server and the minimum, when the connected server is too old.
Status checkServerVersion(Connection& connection);

}  // namespace obscura::mysql
