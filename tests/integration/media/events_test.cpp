// GET /api/events: the signed-in user's derivative and job events as Server-Sent Events, nobody else's.
#include <doctest/doctest.h>

#include <chrono>

#include "app_fixture.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "notice_support.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace obscura::media::test;

namespace {

std::unique_ptr<RawConnection> openEvents(int port, const MediaUser& user) {
    return obscura::test::openEvents(port, user.access);
}

}  // namespace

TEST_SUITE("media.events") {
    TEST_CASE("the uploader's stream carries derivative.created and job.progressed; another user's carries none") {
        TempDir dir;
        tool({"vips", "black", dir / "p.v", "640", "480", "--bands", "3"});
        tool({"vips", "jpegsave", dir / "p.v", dir / "p.jpg"});
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        auto alice = mediaAdmin(http);
        auto bob = mediaUser(http, alice, "bob");
        auto aliceStream = openEvents(fx.port(), alice);
        auto bobStream = openEvents(fx.port(), bob);
        const std::string head = readUntil(*aliceStream, "connected", std::chrono::seconds(10));
        CHECK(head.find("HTTP/1.1 200") != std::string::npos);
        CHECK(head.find("text/event-stream") != std::string::npos);
        readUntil(*bobStream, "connected", std::chrono::seconds(10));

        auto id = uploadOk(http, alice, dir / "p.jpg");
        std::string events = readUntil(*aliceStream, "\"kind\":\"preview\"", std::chrono::seconds(60));
        events += readUntil(*aliceStream, "\"state\":\"succeeded\"", std::chrono::seconds(10));
        CHECK(events.find("event: derivative.created") != std::string::npos);
        CHECK(events.find("\"assetId\":\"" + id + "\"") != std::string::npos);
        CHECK(events.find("\"kind\":\"thumbnail\"") != std::string::npos);
        CHECK(events.find("event: job.progressed") != std::string::npos);

        const std::string bobSaw = bobStream->readAvailable(std::chrono::milliseconds(500));
        CHECK(bobSaw.find(id) == std::string::npos);
        CHECK(bobSaw.find("derivative.created") == std::string::npos);

        // Without credentials there is no stream.
        CHECK(http.get("/api/events").status == 401);
    }
}
