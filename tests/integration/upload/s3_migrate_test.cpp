// `obscura migrate-blobs --from local --to s3` on the real binary: a library made on the local store is copied and
// verified into the test gateway; a re-run after an object was lost and another corrupted in the target puts both
// right and ends verified; the app then serves the same bytes from S3.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>

#include "app_fixture.hpp"
#include "s3_support.hpp"
#include "s3_test_blobs.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

TEST_SUITE("blobs.s3.migrate") {
    TEST_CASE("migrate-blobs local → s3 verifies every object, repairs a damaged target on re-run, and is served") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        std::string first, second, firstId;
        {
            auto app = startApp(dataDir, {{"blobs.plugin", "local"}});
            HttpClient http(app->port());
            auto alice = firstUser(http);
            first = Fixtures::get().bytes("exif.jpg");
            second = Fixtures::get().bytes("plain.png");
            auto a = upload(http, alice, "a.jpg", first);
            REQUIRE(a.status == 201);
            firstId = bodyOf(a)["id"];
            REQUIRE(upload(http, alice, "b.png", second).status == 201);
            CHECK(http.get("/api/assets/" + firstId + "/thumbnail?wait=20", alice.auth()).status == 200);
            app->stop();
        }
        const auto s3 = s3BlobOverrides(dataDir);
        auto env = s3BlobEnvironment(dataDir);
        env.erase("OBSCURA_BLOBS_PLUGIN");  // the configured store stays local: --from/--to choose
        env["OBSCURA_STORAGE_PLUGIN_DIR"] = pluginDir();
        const std::vector<std::string> argv = {obscuraBinary(), "migrate-blobs", "--from", "local", "--to", "s3",
                                               "--data-dir",    dataDir};
        auto r = run(argv, env);
        REQUIRE_MESSAGE(r.exitCode == 0, r.err);
        CHECK(r.out.find("already there") != std::string::npos);
        CHECK(r.out.find(" 0 copied") == std::string::npos);

        auto store = directS3Store(s3);
        auto page = store->list("library/", "", 1000);
        REQUIRE(page.ok());
        REQUIRE(page->entries.size() == 2);
        // Damage the target as a cut-short run would leave it: one object missing, one with wrong bytes.
        REQUIRE(store->remove(page->entries[0].key).ok());
        const std::string wrong(page->entries[1].size, 'x');
        const std::string tmp = dir.path() + "/wrong";
        writeFile(tmp, wrong);
        REQUIRE(store->put(page->entries[1].key, tmp, {}).ok());

        r = run(argv, env);
        REQUIRE_MESSAGE(r.exitCode == 0, r.err);
        CHECK_MESSAGE(r.out.find("(2 copied,") != std::string::npos, r.out);

        auto served = s3;
        served.emplace("blobs.plugin", "s3");
        auto app = startApp(dataDir, served);
        HttpClient http(app->port());
        auto alice = login(http, "alice");
        auto original = http.get("/api/assets/" + firstId + "/original", bearer(alice.access));
        CHECK(original.status == 200);
        CHECK(original.body == first);
        app->stop();
    }
}

TEST_SUITE("blobs.s3.migrate.interrupted") {
    TEST_CASE(
        "migrate-blobs killed half-way (SIGKILL) and run again ends verified, every object's size and bytes right") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        {
            auto app = startApp(dataDir, {{"blobs.plugin", "local"}});  // a data dir with a migrated database
            app->stop();
        }
        // Enough objects that the copy takes a moment: 48 × 1 MiB of distinct bytes under library/.
        constexpr int kObjects = 48;
        std::map<std::string, std::string> local;
        for (int i = 0; i < kObjects; ++i) {
            const std::string key = "library/u/2021/07/object-" + std::to_string(100 + i) + ".jpg";
            std::string bytes(1 << 20, '\0');
            for (std::size_t b = 0; b < bytes.size(); ++b) bytes[b] = static_cast<char>((b * 31 + i * 7) % 251);
            std::filesystem::create_directories(dataDir + "/library/u/2021/07");
            writeFile(dataDir + "/" + key, bytes);
            local[key] = std::move(bytes);
        }
        const auto s3 = s3BlobOverrides(dataDir);
        auto env = s3BlobEnvironment(dataDir);
        env.erase("OBSCURA_BLOBS_PLUGIN");
        env["OBSCURA_STORAGE_PLUGIN_DIR"] = pluginDir();
        auto store = directS3Store(s3);

        ServerProcess migrating(
            {obscuraBinary(), "migrate-blobs", "--from", "local", "--to", "s3", "--data-dir", dataDir}, env);
        REQUIRE(migrating.startProgram());
        REQUIRE(waitFor([&] { return listKeys(*store, "library/").size() >= 4; }, std::chrono::seconds(60)));
        migrating.signal(SIGKILL);
        REQUIRE(migrating.wait(std::chrono::seconds(10)).value_or(0) == -SIGKILL);
        const std::size_t atKill = listKeys(*store, "library/").size();
        CHECK_MESSAGE(atKill < kObjects, "the run was not cut half-way: make the objects bigger");

        auto again = run({obscuraBinary(), "migrate-blobs", "--from", "local", "--to", "s3", "--data-dir", dataDir},
                         env, "", std::chrono::seconds(300));
        REQUIRE_MESSAGE(again.exitCode == 0, again.err);
        CHECK_MESSAGE(again.out.find("migrate-blobs: done, ") != std::string::npos, again.out);
        CHECK(again.out.find("already there") != std::string::npos);
        const auto keys = listKeys(*store, "library/");
        CHECK(keys.size() == kObjects);
        for (const auto& [key, bytes] : local) {
            CAPTURE(key);
            auto info = store->stat(key);
            REQUIRE(info.ok());
            CHECK(info->size == bytes.size());
            CHECK(readObject(*store, key) == bytes);
        }
    }
}
