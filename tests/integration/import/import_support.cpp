#include "import_support.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "mysql_test_database.hpp"

namespace obscura::test {

namespace fs = std::filesystem;

const std::string& importFixtures() {
    static TempDir dir;
    static const std::string out = [] {
        const std::string path = dir.path() + "/fixtures";
        auto made = run({"python3", OBSCURA_IMPORT_FIXTURES, path}, {}, "", std::chrono::seconds(300));
        REQUIRE_MESSAGE(made.exitCode == 0, made.err);
        return path;
    }();
    return out;
}

ImportWorld::ImportWorld() : dataDir_(dir_.path() + "/data") {
    storageEnv_ = {{"OBSCURA_STORAGE_PLUGIN_DIR", pluginDir()},
                   {"OBSCURA_DATA_DIR", dataDir_},
                   {"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
                   {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"},
                   {"OBSCURA_SERVER_HOST", "127.0.0.1"}};
    if (storageUnderTest() == "mysql") {
        const auto& db = mysqlDatabaseFor(dataDir_);
        storageEnv_["OBSCURA_STORAGE_PLUGIN"] = "mysql";
        storageEnv_["OBSCURA_DATABASE_URL"] = db.url();
        storageEnv_["OBSCURA_DATABASE_PASSWORD"] = db.password();
    }
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--port", "0"}, storageEnv_);
    REQUIRE_MESSAGE(server_->start(), server_->log());
    http_ = std::make_unique<HttpClient>(server_->port());
    registerUser(*http_, "ana");
    session_ = login(*http_, "ana");
}

ImportWorld::~ImportWorld() = default;

std::map<std::string, std::string> ImportWorld::env() const { return storageEnv_; }

ImportWorld::Imported ImportWorld::import(std::vector<std::string> args) {
    std::vector<std::string> argv = {obscuraBinary(), "import", "--user", "ana"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto ran = run(argv, storageEnv_, "", std::chrono::seconds(300));
    Imported out;
    out.exitCode = ran.exitCode;
    out.err = ran.err;
    out.summary = nlohmann::json::parse(ran.out, nullptr, false);
    if (out.summary.is_discarded()) out.summary = nullptr;
    return out;
}

nlohmann::json ImportWorld::get(const std::string& path) {
    auto response = http_->get(path, bearer(session_.access));
    const std::string what = path + ": " + response.body;
    REQUIRE_MESSAGE(response.status == 200, what);
    return nlohmann::json::parse(response.body);
}

std::vector<nlohmann::json> ImportWorld::assets() {
    std::vector<nlohmann::json> out;
    const auto page = get("/api/assets?order=asc&limit=500");  // kept: the loop must not outlive it
    for (const auto& a : page["items"]) out.push_back(a);
    return out;
}

int ImportWorld::filesUnder(const std::string& sub) const {
    int n = 0;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dataDir_ + "/" + sub, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_regular_file()) ++n;
    return n;
}

std::vector<std::string> reasonsFor(const nlohmann::json& summary, const std::string& list, const std::string& path) {
    std::vector<std::string> out;
    for (const auto& item : summary[list])
        if (item["path"].get<std::string>().find(path) != std::string::npos) out.push_back(item["reason"]);
    return out;
}

}  // namespace obscura::test
