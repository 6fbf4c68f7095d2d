#pragma once
// The real app in-process on 127.0.0.1:0 with a temp data dir (link obscura_app). With OBSCURA_TEST_STORAGE=mysql
// it stores into a fresh database of its own on the test MySQL/MariaDB server instead of SQLite (see
// mysql_test_database.hpp), unless the test sets storage.plugin itself; with OBSCURA_TEST_BLOBS=s3 it keeps its
// bytes in the test S3 gateway (s3_test_blobs.hpp), unless the test sets blobs.plugin itself.
#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>

#include "app.hpp"
#include "mysql_test_database.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/kernel/config.hpp"
#include "s3_test_blobs.hpp"
#include "test_support.hpp"

namespace obscura::test {

class AppFixture {
public:
    // clock: the App's time (a FakeClock to move it); the system clock when null.
    explicit AppFixture(std::map<std::string, std::string> overrides = {}, const Clock* clock = nullptr) {
        ConfigSources sources;
        sources.overrides = {{"server.host", "127.0.0.1"},
                             {"server.port", "0"},
                             {"server.dataDir", dir_.path() + "/data"},
                             {"storage.pluginDir", pluginDir()},
                             {"log.level", "warn"}};
        if (overrides.count("storage.plugin") == 0 && storageUnderTest() == "mysql") {
            auto database = MysqlTestDatabase::create(*mysqlServerFromEnvironment());
            REQUIRE_MESSAGE(database.ok(), (database.ok() ? "" : database.error().message));
            database_ = std::move(*database);
            for (auto& [k, v] : mysqlOverrides(*database_)) sources.overrides[k] = v;
        }
        for (auto& [k, v] : overrides) sources.overrides[k] = v;
        addBlobOverrides(sources.overrides, dir_.path());  // OBSCURA_TEST_BLOBS=s3: the test gateway
        auto config = Config::load(sources);
        REQUIRE_MESSAGE(config.ok(), (config.ok() ? "" : config.error().message));
        app_ = std::make_unique<App>(std::move(*config), clock ? *clock : systemClock_);
        auto started = app_->start();
        REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error().message));
    }
    ~AppFixture() { app_->stop(); }

    App& app() { return *app_; }
    // The fixture's own MySQL database, or null on SQLite.
    const MysqlTestDatabase* mysqlDatabase() const { return database_.get(); }
    int port() const { return app_->port(); }
    std::string dataDir() const { return dir_.path() + "/data"; }

private:
    TempDir dir_;
    SystemClock systemClock_;
    std::unique_ptr<MysqlTestDatabase> database_;  // outlives the app that uses it
    std::unique_ptr<App> app_;
};

}  // namespace obscura::test
