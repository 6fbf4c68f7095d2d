#include "backend_context.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include "mysql_test_database.hpp"
#include "test_support.hpp"

namespace obscura::conformance {

namespace {

const std::string kPluginDir = OBSCURA_PLUGIN_DIR;
const std::set<std::string> kKnownBackends = {"sqlite", "mysql"};

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

void announce(const std::string& line) {
    std::fprintf(stderr, "conformance: %s\n", line.c_str());
    std::fflush(stderr);
}

// CTest's MySQL entry runs with OBSCURA_CONFORMANCE_BACKEND=mysql: without a server it must say so and
// exit 77, which CTest shows as "Skipped" in its summary rather than a silent pass.
[[maybe_unused]] const bool gMysqlSkipChecked = [] {
    if (env("OBSCURA_CONFORMANCE_BACKEND") == "mysql" && env("OBSCURA_TEST_MYSQL_URL").empty()) {
        announce("MySQL NOT tested (OBSCURA_TEST_MYSQL_URL unset)");
        std::exit(77);
    }
    return true;
}();

class SqliteDatabase final : public BackendDatabase {
public:
    explicit SqliteDatabase(const LoadedStorage& plugin) : plugin_(plugin) {}
    Expected<std::unique_ptr<storage::Storage>> open(int poolSize) override {
        storage::StorageOptions options;
        options.dataDir = dir_.path();
        options.poolSize = poolSize;
        return openStorage(plugin_, options);
    }
    bool fresh() const override { return true; }

private:
    const LoadedStorage& plugin_;
    test::TempDir dir_;
};

class SqliteBackend final : public Backend {
public:
    using Backend::Backend;
    std::unique_ptr<BackendDatabase> newDatabase() override { return std::make_unique<SqliteDatabase>(plugin()); }
};

// Each case gets a database of its own on the test server (see mysql_test_database.hpp), so it starts empty
// just like a fresh SQLite file. A user without the right to create databases falls back to the one the URL
// names, shared between runs and cases: cases that need an empty database are then skipped for it and the
// others use unique keys.
class MysqlDatabase final : public BackendDatabase {
public:
    MysqlDatabase(const LoadedStorage& plugin, const test::MysqlServer& server) : plugin_(plugin), server_(server) {
        auto own = test::MysqlTestDatabase::create(server);
        if (own) {
            own_ = std::move(*own);
        } else {
            static const bool announced = [&] {
                announce("MySQL: cannot create a database per case (" + own.error().message +
                         "); sharing the URL's database, so cases that need an empty one are skipped");
                return true;
            }();
            (void)announced;
        }
    }
    Expected<std::unique_ptr<storage::Storage>> open(int poolSize) override {
        storage::StorageOptions options;
        options.dataDir = dir_.path();
        options.url = own_ ? own_->url() : server_.url;
        options.password = server_.password;
        options.poolSize = poolSize;
        return openStorage(plugin_, options);
    }
    bool fresh() const override { return own_ != nullptr; }

private:
    const LoadedStorage& plugin_;
    test::MysqlServer server_;
    std::unique_ptr<test::MysqlTestDatabase> own_;
    test::TempDir dir_;
};

class MysqlBackend final : public Backend {
public:
    MysqlBackend(LoadedStorage plugin, test::MysqlServer server)
        : Backend("mysql", std::move(plugin)), server_(std::move(server)) {}
    std::unique_ptr<BackendDatabase> newDatabase() override {
        return std::make_unique<MysqlDatabase>(plugin(), server_);
    }

private:
    test::MysqlServer server_;
};

struct Selection {
    std::vector<std::unique_ptr<Backend>> backends;
    std::vector<std::string> problems;
};

std::set<std::string> pluginsPresent() {
    std::set<std::string> names;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(kPluginDir, ec)) {
        const std::string file = entry.path().filename().string();
        const std::string prefix = "obscura_storage_";
        const std::string suffix = ".so";
        if (file.size() > prefix.size() + suffix.size() && file.rfind(prefix, 0) == 0 &&
            file.compare(file.size() - suffix.size(), suffix.size(), suffix) == 0) {
            names.insert(file.substr(prefix.size(), file.size() - prefix.size() - suffix.size()));
        }
    }
    return names;
}

Selection makeSelection() {
    Selection selection;
    const std::string requested = env("OBSCURA_CONFORMANCE_BACKEND");
    if (!requested.empty() && kKnownBackends.count(requested) == 0) {
        selection.problems.push_back("OBSCURA_CONFORMANCE_BACKEND='" + requested + "' is not sqlite or mysql");
    }
    const auto present = pluginsPresent();
    for (const auto& name : present) {
        if (kKnownBackends.count(name) == 0) {
            selection.problems.push_back("plugin '" + name + "' in " + kPluginDir +
                                         " has no conformance context: add one to backend_context.cpp");
        }
    }
    const auto wants = [&](const std::string& name) { return requested.empty() || requested == name; };
    const auto load = [&](const std::string& name) -> std::optional<LoadedStorage> {
        auto loaded = loadStoragePlugin(name, kPluginDir);
        if (!loaded) {
            selection.problems.push_back(loaded.error().message);
            return std::nullopt;
        }
        return *loaded;
    };

    if (wants("sqlite")) {
        if (auto plugin = load("sqlite"))
            selection.backends.push_back(std::make_unique<SqliteBackend>("sqlite", *plugin));
    }
    if (wants("mysql")) {
        const std::string url = env("OBSCURA_TEST_MYSQL_URL");
        if (url.empty()) {
            announce("MySQL NOT tested (OBSCURA_TEST_MYSQL_URL unset)");
        } else if (present.count("mysql") == 0) {
            selection.problems.push_back("OBSCURA_TEST_MYSQL_URL is set but obscura_storage_mysql.so is not in " +
                                         kPluginDir);
        } else if (auto plugin = load("mysql")) {
            auto server = test::mysqlServerFromEnvironment();
            selection.backends.push_back(std::make_unique<MysqlBackend>(*plugin, *server));
        }
    }

    std::string ran;
    for (const auto& backend : selection.backends) ran += (ran.empty() ? "" : ", ") + backend->name();
    announce("running against: " + (ran.empty() ? std::string("NONE") : ran));
    for (const auto& problem : selection.problems) announce("PROBLEM: " + problem);
    return selection;
}

Selection& selection() {
    static Selection instance = makeSelection();
    return instance;
}

}  // namespace

std::vector<Backend*> selectedBackends() {
    std::vector<Backend*> backends;
    for (const auto& backend : selection().backends) backends.push_back(backend.get());
    return backends;
}

std::vector<std::string> selectionProblems() { return selection().problems; }

void forEachBackend(const std::function<void(Backend&)>& fn) {
    const auto backends = selectedBackends();
    REQUIRE_MESSAGE(!backends.empty(), "no storage backend to test (see the conformance: lines above)");
    for (Backend* backend : backends) {
        INFO("backend: " << backend->name());
        fn(*backend);
    }
}

}  // namespace obscura::conformance
