#include <doctest/doctest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "app_fixture.hpp"
#include "http_client.hpp"

using namespace obscura::test;

TEST_SUITE("app.readiness") {
    // Root ignores file modes, so an unwritable data dir is made the way it happens for real: a read-only
    // mount over <dataDir>/tmp (CI runs as root; elsewhere the case says it cannot run).
    TEST_CASE("/readyz is 503 with a reason while the data dir cannot be written, and 200 again after") {
        if (::geteuid() != 0) {
            MESSAGE("readiness with a read-only mount NOT tested: needs root (CI runs as root)");
            return;
        }
        AppFixture fx;
        HttpClient http(fx.port());
        REQUIRE(http.get("/readyz").status == 200);
        const std::string tmp = fx.dataDir() + "/tmp";
        REQUIRE_MESSAGE(::mount("tmpfs", tmp.c_str(), "tmpfs", 0, "size=64k") == 0, std::strerror(errno));
        REQUIRE(::mount(nullptr, tmp.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0);
        auto down = http.get("/readyz");
        CHECK(down.status == 503);
        auto error = nlohmann::json::parse(down.body)["error"];
        CHECK(error["code"] == "not_ready");
        CHECK(error["message"].get<std::string>().find("not writable") != std::string::npos);
        CHECK(http.get("/healthz").status == 200);  // alive, just not ready
        REQUIRE(::umount(tmp.c_str()) == 0);
        CHECK(http.get("/readyz").status == 200);
    }
}
