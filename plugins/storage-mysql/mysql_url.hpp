#pragma once
// database.url for the MySQL/MariaDB plugin: mysql://user[:password]@host[:port]/database[?option=value&…].
// The password normally comes from database.password (a Kubernetes Secret); one inside the URL is accepted
// but never repeated in a message.
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::mysql {

struct ConnectionSettings {
    std::string host;  // name, IPv4, or IPv6 without brackets
    int port = 3306;
    std::string socket;  // ?socket=/run/mysqld/mysqld.sock: a Unix socket instead of TCP
    std::string user;
    std::string password;
    std::string database;
    // ?connectTimeout=, ?readTimeout=, ?writeTimeout=, ?lockWaitTimeout= (seconds). Short by default so that
    // an unreachable database turns into 503s within seconds instead of hanging requests.
    int connectTimeoutSeconds = 3;
    int readTimeoutSeconds = 15;
    int writeTimeoutSeconds = 15;
    int lockWaitTimeoutSeconds = 10;

    // "mysql://user@host:port/database": for messages, never with the password.
    std::string describe() const;
};

// Parses options.url with options.password. Invalid, with a message naming the problem, for anything else.
Expected<ConnectionSettings> parseConnectionSettings(const storage::StorageOptions& options);

// The URL with any password replaced by "***", for messages about a URL that failed to parse.
std::string redactUrl(std::string_view url);

}  // namespace obscura::mysql
