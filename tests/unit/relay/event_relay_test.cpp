// Two EventRelays on one database are two replicas: what one publishes reaches the other's listeners once, in id
// order, never back to its publisher; a user's backlog after an id is what a reconnecting stream replays; job
// wake-ups reach the other replica's workers.
#include "obscura/kernel/event_relay.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/kernel/metrics.hpp"
#include "sqlite_test_storage.hpp"

using namespace obscura;
using namespace std::chrono_literals;

namespace {

struct Replica {
    Metrics metrics;
    EventRelay relay;
    std::mutex mu;
    std::vector<RelayedEvent> received;
    std::vector<std::string> woken;

    Replica(storage::Storage& storage, const Clock& clock, const std::string& id)
        : relay(storage, metrics, clock, options(id)) {
        relay.addListener([this](const RelayedEvent& e) {
            std::lock_guard lock(mu);
            received.push_back(e);
        });
        relay.setJobWaker([this](const std::string& kind) {
            std::lock_guard lock(mu);
            woken.push_back(kind);
        });
        relay.start();
    }

    static EventRelayOptions options(const std::string& id) {
        EventRelayOptions o;
        o.instanceId = id;
        o.pollInterval = 20ms;
        return o;
    }

    std::size_t count() {
        std::lock_guard lock(mu);
        return received.size();
    }

    bool waitFor(std::size_t n, std::chrono::milliseconds limit = 5000ms) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            if (count() >= n) return true;
            std::this_thread::sleep_for(5ms);
        }
        return false;
    }
};

}  // namespace

TEST_SUITE("kernel.event_relay") {
    TEST_CASE("an event published on one replica reaches the other once with its id, and not its publisher twice") {
        test::SqliteTestStorage db;
        SystemClock clock;
        Replica a(db.storage(), clock, "a");
        Replica b(db.storage(), clock, "b");
        const auto sent = a.relay.publish("alice", "derivative.created", R"({"assetId":"x"})");
        CHECK(sent.id > 0);
        REQUIRE(b.waitFor(1));
        std::this_thread::sleep_for(100ms);  // several polls: no second delivery
        CHECK(b.count() == 1);
        CHECK(b.received[0].id == sent.id);
        CHECK(b.received[0].userId == "alice");
        CHECK(b.received[0].name == "derivative.created");
        CHECK(b.received[0].data == R"({"assetId":"x"})");
        CHECK(a.count() == 1);  // its own listener, at publish time
    }

    TEST_CASE("a burst of events arrives on the other replica complete and in id order") {
        test::SqliteTestStorage db;
        SystemClock clock;
        Replica a(db.storage(), clock, "a");
        Replica b(db.storage(), clock, "b");
        for (int i = 0; i < 200; ++i) a.relay.publish("u", "job.progressed", "{\"n\":" + std::to_string(i) + "}");
        REQUIRE(b.waitFor(200));
        for (std::size_t i = 1; i < b.received.size(); ++i) CHECK(b.received[i - 1].id < b.received[i].id);
        CHECK(b.received.back().data == "{\"n\":199}");
    }

    TEST_CASE("a user's backlog after an id holds their later events only, oldest first") {
        test::SqliteTestStorage db;
        SystemClock clock;
        Replica a(db.storage(), clock, "a");
        const auto first = a.relay.publish("alice", "e.one", "{}");
        a.relay.publish("bob", "e.two", "{}");
        const auto third = a.relay.publish("alice", "e.three", "{}");
        auto backlog = a.relay.backlog("alice", first.id);
        REQUIRE(backlog.ok());
        REQUIRE(backlog->size() == 1);
        CHECK(backlog->front().id == third.id);
        CHECK(backlog->front().name == "e.three");
        CHECK(a.relay.backlog("alice", 0)->size() == 2);
    }

    TEST_CASE("jobs announced on one replica wake the other's workers") {
        test::SqliteTestStorage db;
        SystemClock clock;
        Replica a(db.storage(), clock, "a");
        Replica b(db.storage(), clock, "b");
        a.relay.announceJobs("media.derivatives");
        const auto end = std::chrono::steady_clock::now() + 5s;
        while (std::chrono::steady_clock::now() < end) {
            {
                std::lock_guard lock(b.mu);
                if (!b.woken.empty()) break;
            }
            std::this_thread::sleep_for(5ms);
        }
        std::lock_guard lock(b.mu);
        REQUIRE(b.woken.size() == 1);
        CHECK(b.woken[0] == "media.derivatives");
        CHECK(b.received.empty());  // a wake-up is no event for anyone's stream
    }

    TEST_CASE("a replica that starts later does not replay what was published before it") {
        test::SqliteTestStorage db;
        SystemClock clock;
        Replica a(db.storage(), clock, "a");
        a.relay.publish("u", "e.old", "{}");
        Replica b(db.storage(), clock, "b");
        a.relay.publish("u", "e.new", "{}");
        REQUIRE(b.waitFor(1));
        std::this_thread::sleep_for(60ms);
        CHECK(b.count() == 1);
        CHECK(b.received[0].name == "e.new");
    }

    TEST_CASE("the broker body of an event round-trips, and a malformed one is refused") {
        const RelayedEvent e{42, "alice", "album.shared", R"({"a":"b\nc"})", 1234};
        auto back = decodeRelayedEvent(encodeRelayedEvent(e));
        REQUIRE(back.has_value());
        CHECK(back->id == 42);
        CHECK(back->createdAtUs == 1234);
        CHECK(back->userId == "alice");
        CHECK(back->name == "album.shared");
        CHECK(back->data == e.data);
        CHECK_FALSE(decodeRelayedEvent("12\nx\nu\nname\n{}").has_value());
        CHECK_FALSE(decodeRelayedEvent("12\n5\nu").has_value());
    }
}
