// Publisher confirms read from basic.ack / basic.nack frames: each publish is settled exactly once, `multiple`
// settles every tag up to the one given, a lost connection fails what is still waiting and numbering restarts.
// And bus.amqp.* settings: the password never comes from the URL when bus.amqp.password is set.
#include "amqp_confirms.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "amqp_settings.hpp"

using namespace obscura;
using namespace obscura::bus::amqp;

namespace {

struct Outcomes {
    std::vector<std::pair<int, bool>> settled;  // (publish number, ok)
    bus::Confirmed track(int n) {
        return [this, n](bool ok, std::string_view) { settled.emplace_back(n, ok); };
    }
};

}  // namespace

TEST_SUITE("bus.amqp.confirms") {
    TEST_CASE("publishes are numbered from 1 and a single ack settles only its own tag") {
        ConfirmTracker t;
        Outcomes o;
        CHECK(t.nextTag() == 1);
        t.track(o.track(1));
        t.track(o.track(2));
        t.track(o.track(3));
        CHECK(t.nextTag() == 4);
        t.ack(2, false);
        REQUIRE(o.settled.size() == 1);
        CHECK(o.settled[0] == std::make_pair(2, true));
        CHECK(t.waiting() == 2);
    }

    TEST_CASE("a multiple ack settles every waiting tag up to it, and a repeated ack changes nothing") {
        ConfirmTracker t;
        Outcomes o;
        for (int i = 1; i <= 4; ++i) t.track(o.track(i));
        t.ack(3, true);
        CHECK(o.settled == std::vector<std::pair<int, bool>>{{1, true}, {2, true}, {3, true}});
        t.ack(3, true);
        t.ack(2, false);
        CHECK(o.settled.size() == 3);
        CHECK(t.waiting() == 1);
    }

    TEST_CASE("a nack fails its publishes (multiple too) and an unknown tag is ignored") {
        ConfirmTracker t;
        Outcomes o;
        for (int i = 1; i <= 3; ++i) t.track(o.track(i));
        t.nack(2, true);
        CHECK(o.settled == std::vector<std::pair<int, bool>>{{1, false}, {2, false}});
        t.nack(99, false);
        t.ack(99, true);  // beyond every tag: settles what is left, as the broker means it
        CHECK(o.settled.back() == std::make_pair(3, true));
        CHECK(t.waiting() == 0);
    }

    TEST_CASE("a lost connection fails every waiting publish once and the next channel counts from 1 again") {
        ConfirmTracker t;
        Outcomes o;
        t.track(o.track(1));
        t.track(o.track(2));
        t.reset("connection lost");
        CHECK(o.settled == std::vector<std::pair<int, bool>>{{1, false}, {2, false}});
        CHECK(t.nextTag() == 1);
        t.track(o.track(3));
        t.ack(1, false);
        CHECK(o.settled.back() == std::make_pair(3, true));
    }
}

TEST_SUITE("bus.amqp.settings") {
    TEST_CASE("the URL gives host, port, vhost and user; bus.amqp.password wins over one in the URL") {
        auto s = parseAmqpSettings({{"url", "amqp://app:inurl@127.0.0.1:5673/photos"}, {"password", "s3cret"}});
        REQUIRE_MESSAGE(s.ok(), s.error().message);
        CHECK(s->host == "127.0.0.1");
        CHECK(s->port == 5673);
        CHECK(s->vhost == "photos");
        CHECK(s->user == "app");
        CHECK(s->password == "s3cret");
        CHECK(s->eventsExchange == "obscura.events");
        CHECK(s->jobsExchange == "obscura.jobs");
        CHECK(s->describe().find("s3cret") == std::string::npos);
        CHECK(s->describe().find("inurl") == std::string::npos);
    }

    TEST_CASE("defaults: port 5672, vhost /, guest; the exchange prefix is configurable") {
        auto s = parseAmqpSettings({{"url", "amqp://127.0.0.1"}, {"exchange", "cluster1"}});
        REQUIRE_MESSAGE(s.ok(), s.error().message);
        CHECK(s->port == 5672);
        CHECK(s->vhost == "/");
        CHECK(s->user == "guest");
        CHECK(s->eventsExchange == "cluster1.events");
    }

    TEST_CASE("a missing or malformed URL is refused naming the setting") {
        for (const char* url : {"", "http://127.0.0.1", "amqp://:99999999"}) {
            CAPTURE(url);
            auto s = parseAmqpSettings({{"url", url}});
            REQUIRE_FALSE(s.ok());
            CHECK(s.error().code == ErrorCode::Invalid);
            CHECK(s.error().message.find("bus.amqp.url") != std::string::npos);
        }
        auto badHeartbeat = parseAmqpSettings({{"url", "amqp://127.0.0.1"}, {"heartbeatSeconds", "x"}});
        REQUIRE_FALSE(badHeartbeat.ok());
        CHECK(badHeartbeat.error().message.find("heartbeatSeconds") != std::string::npos);
    }
}
