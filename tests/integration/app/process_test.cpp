#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "http_client.hpp"
#include "test_support.hpp"

using namespace obscura::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {
bool isHex64(std::string s) {
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}
}  // namespace

TEST_SUITE("app.process") {
    TEST_CASE("a zero-config start creates ./data with the database and a 0600 secret, kept across restarts") {
        TempDir work;
        std::string firstSecret;
        {
            ServerProcess server({"--port", "0"}, {}, work.path());
            REQUIRE_MESSAGE(server.start(), server.log());
            HttpClient http(server.port());
            CHECK(http.get("/healthz").status == 200);
            CHECK(fs::exists(work / "data/obscura.db"));
            CHECK(fs::is_directory(work / "data/library"));
            CHECK(fs::is_directory(work / "data/derived"));
            CHECK(fs::is_directory(work / "data/tmp"));
            struct stat st {};
            REQUIRE(::stat((work / "data/secret").c_str(), &st) == 0);
            CHECK((st.st_mode & 0777) == 0600);
            firstSecret = readFile(work / "data/secret");
            CHECK(isHex64(firstSecret));
            server.signal(SIGTERM);
            CHECK(server.wait(20s) == std::optional<int>(0));
        }
        ServerProcess again({"serve", "--port", "0"}, {}, work.path());
        REQUIRE_MESSAGE(again.start(), again.log());
        CHECK(readFile(work / "data/secret") == firstSecret);
    }

    TEST_CASE("started from any working directory the server finds its plugin beside the executable") {
        TempDir data;
        ServerProcess server({"--port", "0", "--data-dir", data.path()}, {}, "/");
        REQUIRE_MESSAGE(server.start(), server.log());
        HttpClient http(server.port());
        CHECK(http.get("/readyz").status == 200);
    }

    TEST_CASE("a missing plugin is one clear startup error naming every path tried") {
        TempDir tree;
        // A copy of the executable with no plugin folder beside it: the default search must come up empty.
        fs::create_directories(tree / "bin");
        fs::copy_file(obscuraBinary(), tree / "bin/obscura");
        fs::permissions(tree / "bin/obscura", fs::perms::owner_all);
        auto r = run({tree / "bin/obscura", "--port", "0", "--data-dir", tree / "data"});
        CHECK(r.exitCode == 1);
        CHECK(r.err.find(tree / "lib/obscura/plugins/obscura_storage_sqlite.so") != std::string::npos);
        CHECK(r.err.find(tree / "bin/obscura_storage_sqlite.so") != std::string::npos);
        CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

        TempDir emptyDir;
        auto explicitDir = run({obscuraBinary(), "--port", "0", "--data-dir", tree / "data2"},
                               {{"OBSCURA_STORAGE_PLUGIN_DIR", emptyDir.path()}});
        CHECK(explicitDir.exitCode == 1);
        CHECK(explicitDir.err.find(emptyDir / "obscura_storage_sqlite.so") != std::string::npos);
    }

    TEST_CASE("a plugin built for another ABI version is refused naming both versions") {
        TempDir data;
        auto r = run({obscuraBinary(), "--port", "0", "--data-dir", data.path()},
                     {{"OBSCURA_STORAGE_PLUGIN", "badabi"}, {"OBSCURA_STORAGE_PLUGIN_DIR", OBSCURA_FAKE_PLUGIN_DIR}});
        CHECK(r.exitCode == 1);
        CHECK(r.err.find("999") != std::string::npos);
        CHECK(r.err.find("obscura_storage_badabi.so") != std::string::npos);
    }

    TEST_CASE("an unknown or invalid configuration key stops the start naming it") {
        TempDir data;
        auto unknownEnv =
            run({obscuraBinary(), "--port", "0", "--data-dir", data.path()}, {{"OBSCURA_SERVER_PROT", "9000"}});
        CHECK(unknownEnv.exitCode == 1);
        CHECK(unknownEnv.err.find("OBSCURA_SERVER_PROT") != std::string::npos);

        writeFile(data / "bad.json", R"({"server":{"prot":9000}})");
        auto unknownKey = run({obscuraBinary(), "--config", data / "bad.json", "--data-dir", data.path()});
        CHECK(unknownKey.exitCode == 1);
        CHECK(unknownKey.err.find("server.prot") != std::string::npos);

        auto badValue = run({obscuraBinary(), "--data-dir", data.path()}, {{"OBSCURA_SERVER_PORT", "eighty"}});
        CHECK(badValue.exitCode == 1);
        CHECK(badValue.err.find("server.port") != std::string::npos);
        CHECK_FALSE(fs::exists(data / "obscura.db"));  // nothing started

        // Kubernetes' injected service variables are not ours and are ignored.
        ServerProcess k8s({"--port", "0", "--data-dir", data.path()},
                          {{"OBSCURA_SERVICE_HOST", "10.0.0.1"}, {"OBSCURA_PORT_8080_TCP", "tcp://10.0.0.1:8080"}});
        CHECK_MESSAGE(k8s.start(), k8s.log());
    }

    TEST_CASE("SIGTERM during a slow request lets it finish, refuses new connections, then exits 0") {
        TempDir data;
        ServerProcess server({"--port", "0", "--data-dir", data.path()});
        REQUIRE_MESSAGE(server.start(), server.log());
        // A request whose body trickles in (2,400 bytes at ~3 KB/s): in flight when the signal arrives.
        RawConnection slow(server.port());
        REQUIRE(slow.send("GET /api/server/ping HTTP/1.1\r\nHost: t\r\nContent-Length: 2400\r\n\r\n"));
        std::string body(2400, 'x');
        std::thread sender([&] { slow.sendSlowly(body, 80, 25ms); });
        std::this_thread::sleep_for(250ms);
        server.signal(SIGTERM);
        std::this_thread::sleep_for(200ms);
        bool refused = false;
        try {
            HttpClient late(server.port(), "127.0.0.1", 2000ms);
            late.get("/healthz");
        } catch (const std::exception&) {
            refused = true;
        }
        CHECK(refused);
        sender.join();
        auto response = slow.readResponse(10s);
        REQUIRE(response.has_value());
        CHECK(response->status == 200);
        CHECK(response->body == R"({"res":"pong"})");
        CHECK(server.wait(20s) == std::optional<int>(0));
        CHECK(server.log().find("SIGTERM") != std::string::npos);
    }
}
