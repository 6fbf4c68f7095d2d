#include "private_mariadb.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>

namespace obscura::test {

namespace {

constexpr const char* kPassword = "outage-test-password";

std::string script() { return sourceDir() + "/scripts/mariadb-test-server.sh"; }

}  // namespace

bool PrivateMariadb::available() {
    return (::access("/usr/sbin/mariadbd", X_OK) == 0 || ::access("/usr/bin/mariadbd", X_OK) == 0) &&
           (::access("/usr/bin/mariadb-install-db", X_OK) == 0);
}

void PrivateMariadb::runScript(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"bash", script()};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = run(argv, {}, "", std::chrono::seconds(60));
    REQUIRE_MESSAGE(result.exitCode == 0, args[0] << " failed: " << result.out << result.err);
    if (args[0] == "start") {
        REQUIRE_MESSAGE(std::sscanf(result.out.c_str(), "port=%d pid=%d", &port_, &pid_) == 2, result.out);
    }
}

PrivateMariadb::PrivateMariadb() {
    start();
    runScript({"create-db", dir_.path(), "obscura", "obscura", kPassword});
}

PrivateMariadb::~PrivateMariadb() {
    if (frozen_) ::kill(pid_, SIGCONT);
    if (running_) {
        std::vector<std::string> argv = {"bash", script(), "stop", dir_.path()};
        run(argv, {}, "", std::chrono::seconds(60));
    }
}

void PrivateMariadb::stop() {
    runScript({"stop", dir_.path()});
    running_ = false;
}

void PrivateMariadb::start() {
    runScript({"start", dir_.path()});
    running_ = true;
}

void PrivateMariadb::freeze() {
    REQUIRE(::kill(pid_, SIGSTOP) == 0);
    frozen_ = true;
}

void PrivateMariadb::thaw() {
    REQUIRE(::kill(pid_, SIGCONT) == 0);
    frozen_ = false;
}

std::map<std::string, std::string> PrivateMariadb::overrides(const std::string& query) const {
    return {{"storage.plugin", "mysql"},
            {"database.url",
             "mysql://obscura@127.0.0.1:" + std::to_string(port_) + "/obscura" + (query.empty() ? "" : "?" + query)},
            {"database.password", kPassword}};
}

}  // namespace obscura::test
