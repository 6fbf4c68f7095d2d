// `obscura migrate-blobs --from local --to s3` on the real binary: a library made on the local store is copied and
// verified into the test gateway; a re-run after an object was lost and another corrupted in the target puts both
// right and ends verified; the app then serves the same bytes from S3.
#include <doctest/doctest.h>

#include "app_fixture.hpp"
#include "blob_loader.hpp"
#include "s3_test_blobs.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::map<std::string, std::string> asEnvironment(const std::map<std::string, std::string>& overrides) {
    std::map<std::string, std::string> env;
    for (const auto& [key, value] : overrides) env[configEnvName(key)] = value;
    return env;
}

std::unique_ptr<blobs::BlobStore> directStore(const std::map<std::string, std::string>& overrides) {
    auto plugin = loadBlobPlugin("s3", pluginDir());
    REQUIRE(plugin.ok());
    blobs::BlobStoreOptions options;
    const std::string prefix = "blobs.s3.";
    for (const auto& [key, value] : overrides) {
        if (key.rfind(prefix, 0) == 0) options.settings[key.substr(prefix.size())] = value;
    }
    auto store = openBlobStore(*plugin, options);
    REQUIRE_MESSAGE(store.ok(), (store ? "" : store.error().message));
    return std::move(*store);
}

}  // namespace

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
        auto env = asEnvironment(s3);
        env.erase("OBSCURA_BLOBS_PLUGIN");  // the configured store stays local: --from/--to choose
        env["OBSCURA_STORAGE_PLUGIN_DIR"] = pluginDir();
        const std::vector<std::string> argv = {obscuraBinary(), "migrate-blobs", "--from", "local", "--to", "s3",
                                               "--data-dir",    dataDir};
        auto r = run(argv, env);
        REQUIRE_MESSAGE(r.exitCode == 0, r.err);
        CHECK(r.out.find("already there") != std::string::npos);
        CHECK(r.out.find(" 0 copied") == std::string::npos);

        auto store = directStore(s3);
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
