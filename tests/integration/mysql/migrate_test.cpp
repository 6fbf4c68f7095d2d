// `obscura migrate` against MySQL, and `obscura migrate-storage` moving a whole SQLite library into MySQL.
#include <doctest/doctest.h>

#include <filesystem>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "http_client.hpp"
#include "mysql_test_database.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/storage/storage.hpp"
#include "storage_loader.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::unique_ptr<MysqlTestDatabase> freshDatabase() {
    auto created = MysqlTestDatabase::create(*mysqlServerFromEnvironment());
    REQUIRE_MESSAGE(created.ok(), created.error().message);
    return std::move(*created);
}

std::map<std::string, std::string> mysqlEnvironment(const MysqlTestDatabase& db, const std::string& dataDir) {
    return {{"OBSCURA_STORAGE_PLUGIN", "mysql"},
            {"OBSCURA_DATABASE_URL", db.url()},
            {"OBSCURA_DATABASE_PASSWORD", db.password()},
            {"OBSCURA_STORAGE_PLUGIN_DIR", pluginDir()},
            {"OBSCURA_DATA_DIR", dataDir}};
}

std::unique_ptr<storage::Storage> openWith(const std::string& plugin, const std::string& url,
                                           const std::string& password = "") {
    auto loaded = loadStoragePlugin(plugin, pluginDir());
    REQUIRE_MESSAGE(loaded.ok(), loaded.error().message);
    static std::vector<LoadedStorage> keep;  // plugins stay loaded, as in the server
    keep.push_back(*loaded);
    storage::StorageOptions options;
    options.url = url;
    options.password = password;
    options.poolSize = 2;
    auto opened = openStorage(keep.back(), options);
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    return std::move(*opened);
}

std::vector<storage::Row> allRows(storage::Storage& storage, const storage::TableShape& table) {
    std::vector<storage::Row> rows;
    auto status = storage.run([&](storage::Repositories& repos) -> Status {
        storage::Row after;
        for (;;) {
            OBSCURA_TRY(page, repos.tableRows().readRows(table.name, after, 1000));
            rows.insert(rows.end(), page.begin(), page.end());
            if (page.size() < 1000) return {};
            after.assign(page.back().begin(), page.back().begin() + table.keyColumns);
        }
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return rows;
}

storage::AssetRecord makeAsset(const std::string& ownerId, int n) {
    storage::AssetRecord a;
    a.id = newUuid();
    a.ownerId = ownerId;
    a.type = n % 3 == 0 ? "video" : "image";
    a.originalFileName = "IMG_" + std::to_string(n) + (a.type == "video" ? ".mp4" : ".jpg");
    a.mimeType = a.type == "video" ? "video/mp4" : "image/jpeg";
    a.sizeBytes = 1000 + n;
    for (const char c : newUuid() + newUuid())
        if (c != '-' && a.checksum.size() < 40) a.checksum += c;
    if (a.type == "video") a.durationSeconds = 2.5 * n;
    a.width = 4000;
    a.height = n % 2 == 0 ? std::optional<std::int64_t>(3000) : std::nullopt;
    a.takenAt = "2021-07-0" + std::to_string(1 + n % 9) + "T10:20:30+02:00";
    a.takenAtUs = (1625127630LL + 86400LL * (n % 9)) * 1000000;
    a.createdAt = a.updatedAt = "2024-05-01T12:00:00Z";
    a.createdAtUs = 1714564800LL * 1000000;
    a.title = n % 2 == 0 ? "Grandma's garden 🌻 " + std::to_string(n) : "";
    a.description = "Zoë und der Café-Besuch, Teil " + std::to_string(n);
    a.tags = {"family", n % 2 == 0 ? "Garden" : "trip \"2021\""};
    a.exif = R"({"make":"FUJIFILM","model":"X-T4","iso":)" + std::to_string(100 * n) + "}";
    a.storagePath = "library/" + ownerId + "/2021/07/" + a.id + (a.type == "video" ? ".mp4" : ".jpg");
    a.thumbnail = {n % 2 == 0 ? "ready" : "pending", n % 2 == 0 ? 2 : 0};
    a.derivedBytes = n % 2 == 0 ? 300 : 0;
    return a;
}

}  // namespace

TEST_SUITE("integration.mysql.migrations") {
    TEST_CASE("obscura migrate applies every module's migrations to MySQL once, and fails clearly without access") {
        const auto db = freshDatabase();
        TempDir data;
        const auto first = run({obscuraBinary(), "migrate"}, mysqlEnvironment(*db, data.path()));
        REQUIRE_MESSAGE(first.exitCode == 0, first.out << first.err);
        for (const char* module : {"kernel", "auth", "media", "partners", "sharing", "direct_uploads", "relay", "dupes",
                                   "mfa", "password_reset", "oidc", "finding"}) {
            CAPTURE(module);
            CHECK(first.out.find(std::string(module) + ": version 0 -> 1") != std::string::npos);
        }
        // 2: albums and share links, 3: library versions, 5: nested albums (SQLite's 4 has no MySQL counterpart)
        CHECK(first.out.find("images: version 0 -> 5") != std::string::npos);
        CHECK(first.out.find("uploads: version 0 -> 2") != std::string::npos);  // 2: upload parts (issue 20)
        // 2: the listing indexes end with the hidden flag
        CHECK(first.out.find("live_photos: version 0 -> 2") != std::string::npos);
        auto recorded = db->query(
            "SELECT CONCAT(module, '=', MAX(version)) FROM schema_migrations GROUP BY module"
            " ORDER BY module");
        REQUIRE_MESSAGE(recorded.ok(), recorded.error().message);
        CHECK(*recorded == std::vector<std::string>{"auth=1", "direct_uploads=1", "dupes=1", "finding=1", "images=5",
                                                    "kernel=1", "live_photos=2", "media=1", "mfa=1", "oidc=1",
                                                    "partners=1", "password_reset=1", "relay=1", "sharing=1",
                                                    "uploads=2"});
        auto engines = db->query(
            "SELECT DISTINCT CONCAT(engine, ' ', table_collation) FROM information_schema.tables"
            " WHERE table_schema = DATABASE()");
        REQUIRE(engines.ok());
        CHECK(*engines == std::vector<std::string>{"InnoDB utf8mb4_bin"});

        const auto again = run({obscuraBinary(), "migrate"}, mysqlEnvironment(*db, data.path()));
        REQUIRE_MESSAGE(again.exitCode == 0, again.out << again.err);
        CHECK(again.out.find("kernel: version 1 -> 1") != std::string::npos);
        CHECK(again.out.find("media: version 1 -> 1") != std::string::npos);

        auto wrong = mysqlEnvironment(*db, data.path());
        wrong["OBSCURA_DATABASE_PASSWORD"] = "not-the-password-4711";
        const auto refused = run({obscuraBinary(), "migrate"}, wrong);
        CHECK(refused.exitCode == 1);
        CHECK(refused.err.find("Access denied") != std::string::npos);
        CHECK(refused.err.find("not-the-password-4711") == std::string::npos);
    }

    TEST_CASE("migrate-storage moves a whole SQLite library into MySQL with nothing lost") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        const std::string sqliteUrl = "sqlite:" + dataDir + "/obscura.db";
        std::vector<std::string> assetIds;
        std::string apiKey;
        {
            // A library built by the real app on SQLite: accounts, credentials, throttling, assets, jobs.
            auto app = startApp(dataDir, {{"storage.plugin", "sqlite"}});
            HttpClient http(app->port());
            const auto alice = registerUser(http, "alice");
            const auto session = login(http, "alice");
            createUser(http, session.access, "bob");
            apiKey = createApiKey(http, session.access, "laptop")["secret"];
            CHECK(postJson(http, "/api/auth/login", {{"username", "bob"}, {"password", "wrong"}}).status == 401);
            auto status = app->storage().run([&](storage::Repositories& repos) -> Status {
                for (int n = 0; n < 25; ++n) {
                    auto asset = makeAsset(alice["id"], n);
                    OBSCURA_TRY_STATUS(repos.images().createAsset(asset));
                    assetIds.push_back(asset.id);
                }
                OBSCURA_TRY_STATUS(repos.images().addBandwidth(alice["id"], "2024-05", 4096));
                // A live photo's pair, a perceptual hash and a dismissed pair of near-duplicates come along too.
                const std::string aliceId = alice["id"];
                auto motion = makeAsset(aliceId, 30);
                motion.type = "video";
                motion.mimeType = "video/quicktime";
                OBSCURA_TRY_STATUS(repos.images().createAsset(motion));
                OBSCURA_TRY_STATUS(repos.images().linkLivePhoto(aliceId, assetIds[1], motion.id));
                OBSCURA_TRY_STATUS(
                    repos.dupes().putPerceptualHash({assetIds[0], aliceId, 0xF0E1D2C3B4A59687ULL, {}, {}}));
                return repos.dupes().dismissDuplicatePairs(aliceId, {{assetIds[0], assetIds[2]}});
            });
            REQUIRE_MESSAGE(status.ok(), status.error().message);
            CHECK(http.request("DELETE", "/api/assets/" + assetIds[3], bearer(session.access)).status == 204);
            CHECK(http.request("DELETE", "/api/assets/" + assetIds[4] + "?permanent=true", bearer(session.access))
                      .status == 204);
            app->stop();
        }

        const auto db = freshDatabase();
        const auto copied = run({obscuraBinary(), "migrate-storage", "--from", sqliteUrl, "--to", db->url()},
                                mysqlEnvironment(*db, dataDir));
        REQUIRE_MESSAGE(copied.exitCode == 0, copied.out << copied.err);
        CHECK(copied.out.find("users: 2 rows copied") != std::string::npos);
        CHECK(copied.out.find("assets: 25 rows copied") != std::string::npos);  // 24 photos and a live photo's video
        CHECK(copied.out.find("asset_phashes: 1 rows copied") != std::string::npos);
        CHECK(copied.out.find("duplicate_dismissals: 1 rows copied") != std::string::npos);
        CHECK(copied.out.find("every table's row count matches") != std::string::npos);
        MESSAGE("integration: MySQL: migrate-storage said:\n" << copied.out);

        // Row for row: counts, and every value of every table.
        auto source = openWith("sqlite", sqliteUrl);
        auto target = openWith("mysql", db->url(), db->password());
        for (const auto& table : storage::copyableTables()) {
            CAPTURE(table.name);
            const auto before = allRows(*source, table);
            const auto after = allRows(*target, table);
            CHECK(after.size() == before.size());
            CHECK(after == before);
        }
        auto jobs = db->query("SELECT COUNT(*) FROM jobs");
        REQUIRE(jobs.ok());
        CHECK(jobs->front() != "0");

        // The server runs on the copy: same accounts, same key, same library, search and trash included.
        auto app = startApp(dataDir, mysqlOverrides(*db));
        HttpClient http(app->port());
        const auto session = login(http, "alice");
        CHECK(http.get("/api/api-keys/me", {{"x-api-key", apiKey}}).status == 200);
        const auto listed = bodyOf(http.get("/api/assets?limit=500", bearer(session.access)));
        CHECK(listed["items"].size() == 23);  // the live photo's video is hidden
        const auto statistics = bodyOf(http.get("/api/assets/statistics", bearer(session.access)));
        CHECK(statistics["images"] == 15);  // 16 made, one deleted
        CHECK(statistics["videos"] == 8);   // 9 made, one trashed; the live photo's video is not counted
        const auto trash = bodyOf(http.get("/api/trash", bearer(session.access)));
        CHECK(trash["items"].size() == 1);
        const auto found = bodyOf(http.get("/api/search?q=grandma%20garden%2012", bearer(session.access)));
        REQUIRE(found["items"].size() == 1);
        CHECK(found["items"][0]["id"] == assetIds[12]);
        CHECK(found["items"][0]["exifInfo"]["iso"] == 1200);

        // Into a database that already holds a library: refused, nothing touched.
        const auto twice = run({obscuraBinary(), "migrate-storage", "--from", sqliteUrl, "--to", db->url()},
                               mysqlEnvironment(*db, dataDir));
        CHECK(twice.exitCode == 1);
        CHECK(twice.err.find("already holds data") != std::string::npos);
        const auto missing =
            run({obscuraBinary(), "migrate-storage", "--from", "sqlite:" + dir.path() + "/nope.db", "--to", db->url()},
                mysqlEnvironment(*db, dataDir));
        CHECK(missing.exitCode == 1);
        CHECK(missing.err.find("no SQLite database") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir.path() + "/nope.db"));
    }
}
