// Two `obscura serve` processes sharing one MariaDB database and one data dir, as two replicas do: durable jobs
// enqueued through either are each run exactly once, by whichever claims them first, and none is lost.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "api_session.hpp"
#include "http_client.hpp"
#include "mysql_test_database.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/storage/storage.hpp"
#include "storage_loader.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kDeleteFilesJob = "images.deleteAssetFiles";
constexpr int kAssets = 80;

std::map<std::string, std::string> serverEnvironment(const MysqlTestDatabase& db, const std::string& dataDir) {
    return {{"OBSCURA_STORAGE_PLUGIN", "mysql"},
            {"OBSCURA_DATABASE_URL", db.url()},
            {"OBSCURA_DATABASE_PASSWORD", db.password()},
            {"OBSCURA_STORAGE_PLUGIN_DIR", pluginDir()},
            {"OBSCURA_DATA_DIR", dataDir},
            {"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
            {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"},
            {"OBSCURA_LOG_LEVEL", "info"}};
}

std::unique_ptr<storage::Storage> openDatabase(const MysqlTestDatabase& db) {
    auto plugin = loadStoragePlugin("mysql", pluginDir());
    REQUIRE_MESSAGE(plugin.ok(), plugin.error().message);
    static LoadedStorage loaded = *plugin;  // never unloaded, as in the server
    storage::StorageOptions options;
    options.url = db.url();
    options.password = db.password();
    options.poolSize = 2;
    auto opened = openStorage(loaded, options);
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    return std::move(*opened);
}

// An image the server has stored: its row and its original on disk in the shared data dir.
storage::AssetRecord storeAsset(storage::Storage& storage, const std::string& dataDir, const std::string& ownerId,
                                int n) {
    storage::AssetRecord a;
    a.id = newUuid();
    a.ownerId = ownerId;
    a.type = "image";
    a.originalFileName = "IMG_" + std::to_string(n) + ".jpg";
    a.mimeType = "image/jpeg";
    a.sizeBytes = 4;
    for (const char c : newUuid() + newUuid())
        if (c != '-' && a.checksum.size() < 40) a.checksum += c;
    a.takenAt = "2021-07-04T10:20:30Z";
    a.takenAtUs = 1625394030LL * 1000000 + n;
    a.createdAt = a.updatedAt = "2024-05-01T12:00:00Z";
    a.createdAtUs = 1714564800LL * 1000000;
    a.storagePath = "library/" + ownerId + "/2021/07/" + a.id + ".jpg";
    fs::create_directories((fs::path(dataDir) / a.storagePath).parent_path());
    writeFile(dataDir + "/" + a.storagePath, "jpeg");
    auto created = storage.run([&](storage::Repositories& repos) { return repos.images().createAsset(a); });
    REQUIRE_MESSAGE(created.ok(), created.error().message);
    return a;
}

// Polls the database until `count` jobs of `kind` exist and all have ended (succeeded or failed), or the
// timeout passes; answers the jobs of that kind seen last.
std::vector<storage::JobRecord> waitForEndedJobs(storage::Storage& storage, const std::string& kind, std::size_t count,
                                                 std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<storage::JobRecord> jobs;
    while (std::chrono::steady_clock::now() < deadline) {
        jobs.clear();
        auto listed = storage.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(page, repos.jobs().list("", 1000, ""));
            for (auto& job : page)
                if (job.kind == kind) jobs.push_back(std::move(job));
            return {};
        });
        REQUIRE_MESSAGE(listed.ok(), listed.error().message);
        std::size_t done = 0;
        for (const auto& job : jobs) done += job.state == "succeeded" || job.state == "failed" ? 1 : 0;
        if (jobs.size() == count && done == jobs.size()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return jobs;
}

// obscura_jobs_claimed_total for the kind, from one server's /metrics.
long claimedBy(int port, const std::string& kind = kDeleteFilesJob) {
    HttpClient http(port);
    const auto metrics = http.get("/metrics").body;
    const std::string needle = std::string("obscura_jobs_claimed_total{kind=\"") + kind + "\"} ";
    const auto at = metrics.find(needle);
    return at == std::string::npos ? 0 : std::stol(metrics.substr(at + needle.size()));
}

// Two replicas: a fresh database, a shared data dir, two servers started one after the other (the first
// creates the JWT secret in the data dir that both then share), and an admin account.
struct Replicas {
    std::unique_ptr<MysqlTestDatabase> db;
    TempDir shared;
    std::string dataDir = shared.path() + "/data";
    std::unique_ptr<ServerProcess> first, second;
    nlohmann::json admin;

    Replicas() {
        auto created = MysqlTestDatabase::create(*mysqlServerFromEnvironment());
        REQUIRE_MESSAGE(created.ok(), created.error().message);
        db = std::move(*created);
        first = std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--port", "0"},
                                                serverEnvironment(*db, dataDir));
        REQUIRE_MESSAGE(first->start(), first->log());
        second = std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--port", "0"},
                                                 serverEnvironment(*db, dataDir));
        REQUIRE_MESSAGE(second->start(), second->log());
        HttpClient a(first->port());
        admin = registerUser(a, "admin");
    }
};

}  // namespace

TEST_SUITE("integration.mysql.replicas") {
    TEST_CASE("two servers on one database and data dir run every job exactly once and lose none") {
        auto created = MysqlTestDatabase::create(*mysqlServerFromEnvironment());
        REQUIRE_MESSAGE(created.ok(), created.error().message);
        const auto& db = **created;
        TempDir shared;
        const std::string dataDir = shared.path() + "/data";
        // One after the other: the first creates the JWT secret in the data dir that both then share.
        ServerProcess first({"serve", "--port", "0"}, serverEnvironment(db, dataDir));
        REQUIRE_MESSAGE(first.start(), first.log());
        ServerProcess second({"serve", "--port", "0"}, serverEnvironment(db, dataDir));
        REQUIRE_MESSAGE(second.start(), second.log());

        HttpClient a(first.port());
        HttpClient b(second.port());
        const auto admin = registerUser(a, "admin");
        const auto onA = login(a, "admin");
        const auto onB = login(b, "admin");  // same database, same secret: either server signs in

        auto storage = openDatabase(db);
        std::vector<storage::AssetRecord> assets;
        for (int i = 0; i < kAssets; ++i) assets.push_back(storeAsset(*storage, dataDir, admin["id"], i));

        // Deleting for good enqueues one file-deletion job per asset, through both servers alternately; each
        // server's workers and the other's race for them.
        for (int i = 0; i < kAssets; ++i) {
            auto& http = i % 2 == 0 ? a : b;
            const auto& token = i % 2 == 0 ? onA.access : onB.access;
            const auto response =
                http.request("DELETE", "/api/assets/" + assets[i].id + "?permanent=true", bearer(token));
            REQUIRE_MESSAGE(response.status == 204, response.body);
        }

        const auto jobs = waitForEndedJobs(*storage, kDeleteFilesJob, kAssets, std::chrono::seconds(60));

        // One job per asset, each succeeded at its first attempt: nobody ran a job another process held, and
        // no lease had to expire for a job to be finished.
        REQUIRE(jobs.size() == kAssets);
        std::set<std::string> assetIds;
        for (const auto& job : jobs) {
            CAPTURE(job.id);
            CHECK(job.state == "succeeded");
            CHECK(job.attempts == 1);
            CHECK(job.error.empty());
            assetIds.insert(job.assetId);
        }
        CHECK(assetIds.size() == kAssets);
        for (const auto& asset : assets) CHECK_FALSE(fs::exists(fs::path(dataDir) / asset.storagePath));

        // Every claim is counted by the process that made it: together exactly one per job, and both worked.
        const long byFirst = claimedBy(first.port());
        const long bySecond = claimedBy(second.port());
        MESSAGE("integration: MySQL: " << kAssets << " jobs, claimed " << byFirst << " by one server and " << bySecond
                                       << " by the other");
        CHECK(byFirst + bySecond == kAssets);
        CHECK(byFirst > 0);
        CHECK(bySecond > 0);
    }

    TEST_CASE("two servers share a batch of uploads' derivative jobs: each made once, in one terminal state") {
        Replicas replicas;
        const auto& db = *replicas.db;
        auto& first = *replicas.first;
        auto& second = *replicas.second;
        auto& shared = replicas.shared;
        const std::string& dataDir = replicas.dataDir;
        HttpClient a(first.port());
        HttpClient b(second.port());
        const auto& admin = replicas.admin;
        const auto onA = login(a, "admin");
        const auto onB = login(b, "admin");

        // Real photos made by vips, each different, uploaded through both servers alternately.
        constexpr int kUploads = 16;
        std::vector<std::string> ids;
        for (int i = 0; i < kUploads; ++i) {
            const std::string v = shared.path() + "/p" + std::to_string(i) + ".v";
            const std::string jpg = shared.path() + "/p" + std::to_string(i) + ".jpg";
            REQUIRE(run({"vips", "gaussnoise", v, "1200", "900", "--mean", std::to_string(60 + i * 5)}).exitCode == 0);
            REQUIRE(run({"vips", "jpegsave", v, jpg}).exitCode == 0);
            const std::string boundary = "two-servers-boundary";
            const std::string body = "--" + boundary +
                                     "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"p.jpg\"\r\n"
                                     "Content-Type: image/jpeg\r\n\r\n" +
                                     readFile(jpg) + "\r\n--" + boundary + "--\r\n";
            auto headers = bearer(i % 2 == 0 ? onA.access : onB.access);
            headers.emplace_back("Content-Type", "multipart/form-data; boundary=" + boundary);
            auto r = (i % 2 == 0 ? a : b).request("POST", "/api/assets", headers, body);
            REQUIRE_MESSAGE(r.status == 201, r.body);
            ids.push_back(bodyOf(r)["id"].get<std::string>());
        }

        auto storage = openDatabase(db);
        const auto jobs = waitForEndedJobs(*storage, "media.derivatives", kUploads, std::chrono::seconds(180));
        REQUIRE(jobs.size() == kUploads);
        std::set<std::string> assetIds;
        for (const auto& job : jobs) {
            CAPTURE(job.id);
            CHECK(job.state == "succeeded");
            CHECK(job.attempts == 1);
            assetIds.insert(job.assetId);
        }
        CHECK(assetIds.size() == kUploads);
        // Every asset reads ready through either server, and derived/ holds exactly its two files.
        for (std::size_t i = 0; i < ids.size(); ++i) {
            auto& http = i % 2 == 0 ? b : a;  // ask the other server than the one that took the upload
            const auto asset = bodyOf(http.get("/api/assets/" + ids[i], bearer(i % 2 == 0 ? onB.access : onA.access)));
            CHECK(asset["derivatives"]["thumbnail"] == "ready");
            CHECK(asset["derivatives"]["preview"] == "ready");
            std::set<std::string> names;
            for (const auto& e :
                 fs::directory_iterator(fs::path(dataDir) / "derived" / admin["id"].get<std::string>() / ids[i]))
                names.insert(e.path().filename().string());
            CHECK(names == std::set<std::string>{"preview.jpg", "thumbnail.webp"});
        }
        const long byFirst = claimedBy(first.port(), "media.derivatives");
        const long bySecond = claimedBy(second.port(), "media.derivatives");
        MESSAGE("integration: MySQL: " << kUploads << " uploads' derivative jobs, claimed " << byFirst
                                       << " by one server and " << bySecond << " by the other");
        CHECK(byFirst + bySecond == kUploads);
    }

    // Each replica caches rendered listings; the version that makes a page stale lives in the database.
    TEST_CASE("a listing cached by one server shows a change made through the other at once") {
        Replicas replicas;
        HttpClient a(replicas.first->port());
        HttpClient b(replicas.second->port());
        const auto onA = login(a, "admin");
        const auto onB = login(b, "admin");
        auto storage = openDatabase(*replicas.db);
        const auto photo = storeAsset(*storage, replicas.dataDir, replicas.admin["id"].get<std::string>(), 1);
        const auto titleOnA = [&] {
            auto page = bodyOf(a.get("/api/assets", bearer(onA.access)));
            REQUIRE(page["items"].size() == 1);
            return page["items"][0]["title"].get<std::string>();
        };
        REQUIRE(titleOnA().empty());
        REQUIRE(titleOnA().empty());  // now from the first server's cache
        auto patched = sendJson(b, "PATCH", "/api/assets/" + photo.id, {{"title", "Set on B"}}, bearer(onB.access));
        REQUIRE_MESSAGE(patched.status == 200, patched.body);
        CHECK(titleOnA() == "Set on B");
        REQUIRE(b.request("DELETE", "/api/assets/" + photo.id, bearer(onB.access)).status == 204);
        CHECK(bodyOf(a.get("/api/assets", bearer(onA.access)))["items"].empty());
        CHECK(bodyOf(a.get("/api/trash", bearer(onA.access)))["items"].size() == 1);
    }
}
