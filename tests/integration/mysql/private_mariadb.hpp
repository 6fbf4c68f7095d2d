#pragma once
// A MariaDB server of the test's own (scripts/mariadb-test-server.sh in a temp dir, on a free port of
// 127.0.0.1), so a test may stop, restart and freeze it under a running Obscura without disturbing the
// server every other MySQL test shares.
#include <map>
#include <string>

#include "test_support.hpp"

namespace obscura::test {

class PrivateMariadb {
public:
    // Whether mariadbd and its install tool are on this machine (CI installs them; see scripts/setup.sh).
    static bool available();

    // Starts the server and creates database "obscura" for user "obscura" (REQUIREs success).
    PrivateMariadb();
    ~PrivateMariadb();
    PrivateMariadb(const PrivateMariadb&) = delete;
    PrivateMariadb& operator=(const PrivateMariadb&) = delete;

    // A clean shutdown (SIGTERM, then wait for the process to end).
    void stop();
    // Starts it again on the same port and data.
    void start();
    // SIGSTOP / SIGCONT: a server that keeps its connections open but answers nothing.
    void freeze();
    void thaw();

    // Overrides pointing an app at this server (storage.plugin, database.url, database.password); query is
    // appended to the URL ("readTimeout=2&…").
    std::map<std::string, std::string> overrides(const std::string& query = "") const;
    int port() const { return port_; }

private:
    void runScript(const std::vector<std::string>& args);

    TempDir dir_;
    int port_ = 0;
    int pid_ = 0;
    bool running_ = false;
    bool frozen_ = false;
};

}  // namespace obscura::test
