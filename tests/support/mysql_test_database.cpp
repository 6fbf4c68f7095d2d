#include "mysql_test_database.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#if OBSCURA_TEST_WITH_MYSQL
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include "mysql_url.hpp"
#endif

namespace obscura::test {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

#if OBSCURA_TEST_WITH_MYSQL
Expected<std::unique_ptr<sql::Connection>> connect(const MysqlServer& server, const std::string& database) {
    storage::StorageOptions options;
    options.url = server.url;
    options.password = server.password;
    auto settings = mysql::parseConnectionSettings(options);
    if (!settings) return settings.error();
    sql::ConnectOptionsMap map;
    map["hostName"] = sql::SQLString(settings->socket.empty() ? settings->host : "unix://" + settings->socket);
    if (settings->socket.empty()) map["port"] = settings->port;
    map["userName"] = sql::SQLString(settings->user);
    map["password"] = sql::SQLString(settings->password);
    map["schema"] = sql::SQLString(database.empty() ? settings->database : database);
    map["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    map["OPT_CONNECT_TIMEOUT"] = 5;
    try {
        return std::unique_ptr<sql::Connection>(sql::mysql::get_mysql_driver_instance()->connect(map));
    } catch (const sql::SQLException& e) {
        return unavailable(std::string("test MySQL server ") + settings->describe() + ": " + e.what());
    }
}

std::string baseName(const std::string& url) {
    const auto slash = url.rfind('/');
    const auto mark = url.find('?', slash);
    return url.substr(slash + 1, mark == std::string::npos ? std::string::npos : mark - slash - 1);
}
#endif

}  // namespace

// A binary run as a *_mysql CTest entry decides at start, before any case runs, whether it can run at all.
[[maybe_unused]] const bool gStorageChecked = [] {
    storageUnderTest();
    return true;
}();

std::optional<MysqlServer> mysqlServerFromEnvironment() {
    const std::string url = env("OBSCURA_TEST_MYSQL_URL");
    if (url.empty()) return std::nullopt;
    return MysqlServer{url, env("OBSCURA_TEST_MYSQL_PASSWORD")};
}

std::string storageUnderTest() {
    const std::string wanted = env("OBSCURA_TEST_STORAGE");
    if (wanted.empty() || wanted == "sqlite") return "sqlite";
    if (wanted != "mysql") {
        std::fprintf(stderr, "OBSCURA_TEST_STORAGE='%s' is neither sqlite nor mysql\n", wanted.c_str());
        std::exit(2);
    }
    if (!mysqlServerFromEnvironment()) {
        std::fprintf(stderr,
                     "integration: MySQL NOT tested (OBSCURA_TEST_STORAGE=mysql but OBSCURA_TEST_MYSQL_URL "
                     "unset)\n");
        std::fflush(stderr);
        std::exit(77);
    }
#if !OBSCURA_TEST_WITH_MYSQL
    std::fprintf(stderr, "integration: MySQL NOT tested (built without MySQL Connector/C++)\n");
    std::exit(77);
#endif
    return "mysql";
}

MysqlTestDatabase::MysqlTestDatabase(MysqlServer server, std::string name, std::string url)
    : server_(std::move(server)), name_(std::move(name)), url_(std::move(url)), password_(server_.password) {}

Expected<std::unique_ptr<MysqlTestDatabase>> MysqlTestDatabase::create(const MysqlServer& server) {
#if OBSCURA_TEST_WITH_MYSQL
    static std::atomic<int> counter{0};
    const std::string base = baseName(server.url);
    const std::string name = base + "_t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    if (name.size() > 64) return invalid("test database name too long: " + name);
    auto connection = connect(server, "");
    if (!connection) return connection.error();
    try {
        std::unique_ptr<sql::Statement> stmt((*connection)->createStatement());
        stmt->execute("DROP DATABASE IF EXISTS `" + name + "`");
        stmt->execute("CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    } catch (const sql::SQLException& e) {
        return unavailable("cannot create test database " + name + ": " + e.what());
    }
    std::string url = server.url;
    const auto slash = url.rfind('/');
    const auto mark = url.find('?', slash);
    url.replace(slash + 1, (mark == std::string::npos ? url.size() : mark) - slash - 1, name);
    return std::unique_ptr<MysqlTestDatabase>(new MysqlTestDatabase(server, name, url));
#else
    (void)server;
    return unavailable("tests built without MySQL Connector/C++");
#endif
}

MysqlTestDatabase::~MysqlTestDatabase() {
#if OBSCURA_TEST_WITH_MYSQL
    auto connection = connect(server_, "");
    if (!connection) return;
    try {
        std::unique_ptr<sql::Statement> stmt((*connection)->createStatement());
        stmt->execute("DROP DATABASE IF EXISTS `" + name_ + "`");
    } catch (const sql::SQLException&) {
        // Left behind on a server that went away: the next run's DROP … IF EXISTS or the CI teardown clears it.
    }
#endif
}

Expected<std::vector<std::string>> MysqlTestDatabase::query(const std::string& sqlText) const {
#if OBSCURA_TEST_WITH_MYSQL
    auto connection = connect(server_, name_);
    if (!connection) return connection.error();
    try {
        std::unique_ptr<sql::Statement> stmt((*connection)->createStatement());
        std::vector<std::string> values;
        if (stmt->execute(sqlText)) {
            std::unique_ptr<sql::ResultSet> rows(stmt->getResultSet());
            while (rows->next()) values.push_back(rows->isNull(1) ? "NULL" : std::string(rows->getString(1)));
        }
        return values;
    } catch (const sql::SQLException& e) {
        return internalError("test query failed: " + std::string(e.what()));
    }
#else
    (void)sqlText;
    return unavailable("tests built without MySQL Connector/C++");
#endif
}

const MysqlTestDatabase& mysqlDatabaseFor(const std::string& key) {
#if OBSCURA_TEST_WITH_MYSQL
    // Made before the map below, so Connector/C++'s driver outlives it: the databases are dropped at exit through
    // the driver (a binary whose first MySQL use is here crashed at exit otherwise).
    static sql::mysql::MySQL_Driver* const driver = sql::mysql::get_mysql_driver_instance();
    (void)driver;
#endif
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<MysqlTestDatabase>> databases;
    std::lock_guard lock(mutex);
    auto& slot = databases[key];
    if (!slot) {
        auto server = mysqlServerFromEnvironment();
        if (!server) throw std::runtime_error("no MySQL test server (OBSCURA_TEST_MYSQL_URL unset)");
        auto created = MysqlTestDatabase::create(*server);
        if (!created) throw std::runtime_error(created.error().message);
        slot = std::move(*created);
    }
    return *slot;
}

std::map<std::string, std::string> mysqlOverrides(const MysqlTestDatabase& database) {
    return {{"storage.plugin", "mysql"}, {"database.url", database.url()}, {"database.password", database.password()}};
}

}  // namespace obscura::test
