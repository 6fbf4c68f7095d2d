#include <doctest/doctest.h>

#include "api_session.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

const std::map<std::string, std::string> kFast = {{"OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456"},
                                                  {"OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2"},
                                                  {"OBSCURA_STORAGE_PLUGIN_DIR", pluginDir()}};

std::map<std::string, std::string> env(std::map<std::string, std::string> extra) {
    auto e = kFast;
    for (auto& [k, v] : extra) e[k] = v;
    return e;
}

// `printf '%s\n' "$PW" | obscura user create … --password-stdin`
RunResult createWithStdin(const std::string& dataDir, const std::string& username, const std::string& password,
                          const std::vector<std::string>& flags = {}) {
    std::string command =
        "printf '%s\\n' \"$PW\" | \"$BIN\" user create --password-stdin --data-dir \"$DIR\" --username \"$NAME\"";
    for (const auto& f : flags) command += " " + f;
    return run({"/bin/sh", "-c", command},
               env({{"PW", password}, {"BIN", obscuraBinary()}, {"DIR", dataDir}, {"NAME", username}}));
}

}  // namespace

TEST_SUITE("auth.cli") {
    TEST_CASE("obscura user create makes accounts that can sign in; the first is an admin") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        auto first = createWithStdin(dataDir, "root", "root password here");
        REQUIRE_MESSAGE(first.exitCode == 0, first.err);
        CHECK(first.out.find("created user root (admin)") != std::string::npos);
        auto second = run({obscuraBinary(), "user", "create", "--username", "Dora", "--email", "dora@example.org",
                           "--display-name", "Dora D.", "--data-dir", dataDir},
                          env({{"OBSCURA_USER_PASSWORD", "dora password here"}}));
        REQUIRE_MESSAGE(second.exitCode == 0, second.err);
        CHECK(second.out.find("created user Dora with id") != std::string::npos);
        auto third = createWithStdin(dataDir, "eric", "eric password here", {"--admin"});
        REQUIRE_MESSAGE(third.exitCode == 0, third.err);
        for (const auto* r : {&first, &second, &third}) {
            CHECK(r->out.find("password here") == std::string::npos);
            CHECK(r->err.find("password here") == std::string::npos);
        }

        ServerProcess server({"serve", "--port", "0", "--data-dir", dataDir},
                             env({{"OBSCURA_SERVER_HOST", "127.0.0.1"}}));
        REQUIRE(server.start());
        HttpClient http(server.port());
        CHECK(login(http, "root", "root password here").user["isAdmin"] == true);
        auto dora = login(http, "dora", "dora password here").user;
        CHECK(dora["isAdmin"] == false);
        CHECK(dora["email"] == "dora@example.org");
        CHECK(dora["displayName"] == "Dora D.");
        CHECK(login(http, "eric", "eric password here").user["isAdmin"] == true);
        // Users exist, so self-registration is closed by default.
        CHECK(postJson(http, "/api/auth/register", {{"username", "zed"}, {"password", kPassword}}).status == 403);
    }

    TEST_CASE("obscura user create refuses a taken name, a weak password, no password and a bad name") {
        TempDir dir;
        const std::string dataDir = dir.path() + "/data";
        REQUIRE(createWithStdin(dataDir, "root", "root password here").exitCode == 0);
        auto taken = createWithStdin(dataDir, "ROOT", "another password");
        CHECK(taken.exitCode == 1);
        CHECK(taken.err.find("taken") != std::string::npos);
        auto weak = createWithStdin(dataDir, "weak", "password1");
        CHECK(weak.exitCode == 1);
        CHECK(weak.err.find("common") != std::string::npos);
        auto none = run({obscuraBinary(), "user", "create", "--username", "nopass", "--data-dir", dataDir}, kFast);
        CHECK(none.exitCode == 1);
        CHECK(none.err.find("--password-stdin") != std::string::npos);
        auto badName = createWithStdin(dataDir, "no spaces allowed", "a good password");
        CHECK(badName.exitCode == 1);
        CHECK(badName.err.find("username") != std::string::npos);
        auto usage = run({obscuraBinary(), "user", "create", "--data-dir", dataDir}, kFast);
        CHECK(usage.exitCode == 2);
    }
}
