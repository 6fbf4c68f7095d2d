#pragma once
// MySQL/MariaDB for tests. The server comes from OBSCURA_TEST_MYSQL_URL (mysql://user@host:port/base) and
// OBSCURA_TEST_MYSQL_PASSWORD — scripts/test.sh starts a private MariaDB and sets both. Each test gets a
// database of its own (<base>_t<pid>_<n>, dropped afterwards), so "the first user becomes admin" and exact
// counts hold on MySQL exactly as on a fresh SQLite file.
//
// OBSCURA_TEST_STORAGE=mysql runs the AppFixture-based integration tests on MySQL instead of SQLite (CTest
// has a *_mysql entry for each such binary); without OBSCURA_TEST_MYSQL_URL that binary says so and exits 77
// (Skipped).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::test {

struct MysqlServer {
    std::string url;  // mysql://user@host:port/base
    std::string password;
};

// The test server named by the environment; nullopt when OBSCURA_TEST_MYSQL_URL is unset.
std::optional<MysqlServer> mysqlServerFromEnvironment();

// "mysql" when OBSCURA_TEST_STORAGE says so, else "sqlite". Exits 77 (CTest: Skipped), after saying why on
// stderr, when MySQL is asked for but no server is configured.
std::string storageUnderTest();

class MysqlTestDatabase {
public:
    // Creates <base>_t<pid>_<n> on the server. The test user needs CREATE and DROP on <base>_* (scripts/
    // mariadb-test-server.sh create-db grants exactly that).
    static Expected<std::unique_ptr<MysqlTestDatabase>> create(const MysqlServer& server);
    ~MysqlTestDatabase();
    MysqlTestDatabase(const MysqlTestDatabase&) = delete;
    MysqlTestDatabase& operator=(const MysqlTestDatabase&) = delete;

    const std::string& name() const { return name_; }
    const std::string& url() const { return url_; }  // the server's URL with this database's name
    const std::string& password() const { return password_; }

    // Runs one statement as the test user in this database; rows of the first column as text (SELECTs).
    Expected<std::vector<std::string>> query(const std::string& sql) const;

private:
    MysqlTestDatabase(MysqlServer server, std::string name, std::string url);

    MysqlServer server_;
    std::string name_;
    std::string url_;
    std::string password_;
};

// The database for one key (the data dir of an app that tests restart), made on first use and kept until
// the test process exits, so an app started again over the same data dir finds its rows.
const MysqlTestDatabase& mysqlDatabaseFor(const std::string& key);

// Overrides that point an app at a MySQL test database (storage.plugin, database.url, database.password).
std::map<std::string, std::string> mysqlOverrides(const MysqlTestDatabase& database);

}  // namespace obscura::test
