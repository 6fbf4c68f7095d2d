// What only the SQLite backend has: where its file lives, how it is opened, what a held lock does.
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

const LoadedStorage* sqlitePlugin() {
    for (Backend* backend : selectedBackends()) {
        if (backend->name() == "sqlite") return &backend->plugin();
    }
    return nullptr;
}

Expected<std::unique_ptr<storage::Storage>> openWith(const std::string& dataDir, const std::string& url,
                                                     int poolSize = 4) {
    storage::StorageOptions options;
    options.dataDir = dataDir;
    options.url = url;
    options.poolSize = poolSize;
    return openStorage(*sqlitePlugin(), options);
}

// A second, independent client of the same file, as another process would be.
class RawConnection {
public:
    explicit RawConnection(const std::string& path) {
        REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    }
    ~RawConnection() { sqlite3_close_v2(db_); }
    std::string text(const char* sql) {
        sqlite3_stmt* stmt = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK);
        std::string value;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
            value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return value;
    }
    int exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); }

private:
    sqlite3* db_ = nullptr;
};

}  // namespace

TEST_SUITE("conformance.sqlite") {
    TEST_CASE("the database is <dataDir>/obscura.db, private to its owner, in WAL mode") {
        if (sqlitePlugin() == nullptr) return;
        test::TempDir data;
        auto storage = openWith(data.path(), "");
        REQUIRE_MESSAGE(storage.ok(), storage.error().message);
        const std::string path = data / "obscura.db";
        struct stat info {};
        REQUIRE(::stat(path.c_str(), &info) == 0);
        CHECK((info.st_mode & 0777) == 0600);
        RawConnection raw(path);
        CHECK(raw.text("PRAGMA journal_mode") == "wal");
        CHECK(raw.text("SELECT name FROM sqlite_schema WHERE name = 'schema_migrations'") == "schema_migrations");
    }

    TEST_CASE("database.url accepts sqlite:/abs and sqlite:///abs and nothing else") {
        if (sqlitePlugin() == nullptr) return;
        test::TempDir data;
        {
            auto plain = openWith("", "sqlite:" + (data / "plain.db"));
            REQUIRE_MESSAGE(plain.ok(), plain.error().message);
            auto uri = openWith("", "sqlite://" + (data / "uri.db"));
            REQUIRE_MESSAGE(uri.ok(), uri.error().message);
        }
        CHECK(std::filesystem::exists(data / "plain.db"));
        CHECK(std::filesystem::exists(data / "uri.db"));
        CHECK_FALSE(std::filesystem::exists(data / "obscura.db"));

        const std::vector<std::string> urls = {"sqlite:relative.db", "sqlite:", "sqlite://host/x.db",
                                               "sqlite:/tmp/dir/"};
        for (const auto& url : urls) {
            CAPTURE(url);
            auto bad = openWith(data.path(), url);
            REQUIRE_FALSE(bad.ok());
            CHECK(bad.error().code == ErrorCode::Invalid);
            CHECK(bad.error().message.find("sqlite:/absolute/path.db") != std::string::npos);
        }
        auto foreign = openWith(data.path(), "mysql://obscura:s3cret@db:3306/obscura");
        REQUIRE_FALSE(foreign.ok());
        CHECK(foreign.error().code == ErrorCode::Invalid);
        CHECK(foreign.error().message.find("'mysql'") != std::string::npos);
        CHECK(foreign.error().message.find("s3cret") == std::string::npos);
    }

    TEST_CASE("a missing location, a missing directory or a bad pool size is a clear error") {
        if (sqlitePlugin() == nullptr) return;
        auto nowhere = openWith("", "");
        REQUIRE_FALSE(nowhere.ok());
        CHECK(nowhere.error().message.find("server.dataDir") != std::string::npos);

        test::TempDir data;
        const std::string missing = data / "does/not/exist";
        auto noDir = openWith(missing, "");
        REQUIRE_FALSE(noDir.ok());
        CHECK(noDir.error().message.find(missing + "/obscura.db") != std::string::npos);

        for (int poolSize : {0, -1, 65}) {
            CAPTURE(poolSize);
            auto bad = openWith(data.path(), "", poolSize);
            REQUIRE_FALSE(bad.ok());
            CHECK(bad.error().code == ErrorCode::Invalid);
            CHECK(bad.error().message.find("pool size") != std::string::npos);
        }
    }

    TEST_CASE("a write lock held by another process past the busy timeout is Unavailable") {
        if (sqlitePlugin() == nullptr) return;
        test::TempDir data;
        auto opened = openWith(data.path(), "");
        REQUIRE(opened.ok());
        auto& storage = **opened;
        REQUIRE(storage.migrate("auth").ok());
        RawConnection other(data / "obscura.db");
        REQUIRE(other.exec("BEGIN IMMEDIATE") == SQLITE_OK);
        const auto start = std::chrono::steady_clock::now();
        auto status = storage.transaction(
            [](storage::Repositories& repos) { return repos.auth().createUser(makeUser("locked_out")); });
        const auto waited = std::chrono::steady_clock::now() - start;
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().code == ErrorCode::Unavailable);
        CHECK(status.error().retryAfterSeconds.has_value());
        // It waited for the busy timeout (10 s) rather than failing at once.
        CHECK(waited >= std::chrono::seconds(9));
        // Readers are not blocked by a writer in WAL mode, and once the lock is gone writes succeed.
        CHECK(countUsers(storage).ok());
        REQUIRE(other.exec("ROLLBACK") == SQLITE_OK);
        CHECK(createUser(storage, makeUser("after_lock")).ok());
    }
}
