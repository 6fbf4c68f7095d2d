// Events across replicas with bus.broker=none (DESIGN §9): two servers on one database and data dir. A stream on
// replica B receives the events of work done on replica A, with ids global to both; a client that reconnects to the
// other replica with Last-Event-ID gets every event it missed, none twice, then live ones; and the delivery time
// between replicas is measured (p99 < 1 s).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "api_session.hpp"
#include "media_api.hpp"
#include "media_fixtures.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "replica_support.hpp"

using namespace obscura;
using namespace obscura::test;
using namespace std::chrono_literals;
using obscura::media::test::tool;

namespace {

std::string photo(const TempDir& dir, const std::string& name, int width) {
    const std::string v = dir / (name + ".v");
    const std::string jpg = dir / (name + ".jpg");
    tool({"vips", "black", v, std::to_string(width), "480", "--bands", "3"});
    tool({"vips", "jpegsave", v, jpg});
    return jpg;
}

bool previewOf(const StreamEvent& e, const std::string& assetId) {
    return e.name == "derivative.created" && e.data.find(assetId) != std::string::npos &&
           e.data.find("\"kind\":\"preview\"") != std::string::npos;
}

}  // namespace

TEST_SUITE("integration.relay.replicas") {
    TEST_CASE("a stream on replica B receives the events of an upload to replica A, with ids") {
        ReplicaPair replicas;
        HttpClient a(replicas.a->port());
        auto alice = mediaAdmin(a);
        auto bobUser = mediaUser(a, alice, "bob");
        auto onB = openStream(replicas.b->port(), alice.access);
        auto bobOnB = openStream(replicas.b->port(), bobUser.access);
        StreamReader reader(*onB);
        reader.read(300ms);

        const auto id = uploadOk(a, alice, photo(replicas.dir, "p", 640));
        auto events = reader.until([&](const StreamEvent& e) { return previewOf(e, id); }, 60s);
        REQUIRE_MESSAGE(!events.empty(), "nothing arrived on replica B");
        CHECK(previewOf(events.back(), id));
        std::set<std::string> names;
        for (const auto& e : events) {
            names.insert(e.name);
            CHECK(e.id > 0);
        }
        CHECK(names.count("job.progressed") == 1);
        for (std::size_t i = 1; i < events.size(); ++i) CHECK(events[i - 1].id < events[i].id);
        // Bob's stream on B sees none of Alice's work.
        CHECK(bobOnB->readAvailable(300ms).find(id) == std::string::npos);
    }

    TEST_CASE("reconnecting to the other replica with Last-Event-ID misses nothing and repeats nothing") {
        ReplicaPair replicas;
        HttpClient a(replicas.a->port());
        HttpClient b(replicas.b->port());
        auto alice = mediaAdmin(a);

        // On B: the first photo's events, then the browser's replica "dies" (the connection closes).
        std::int64_t lastSeen = 0;
        std::vector<StreamEvent> seen;
        {
            auto onB = openStream(replicas.b->port(), alice.access);
            StreamReader reader(*onB);
            reader.read(300ms);
            const auto first = uploadOk(a, alice, photo(replicas.dir, "first", 640));
            seen = reader.until([&](const StreamEvent& e) { return previewOf(e, first); }, 60s);
            REQUIRE(!seen.empty());
            REQUIRE(previewOf(seen.back(), first));
            lastSeen = seen.back().id;
        }
        // While no stream is open: a second photo through B, fully processed.
        const auto second = uploadOk(b, alice, photo(replicas.dir, "second", 800));
        CHECK(settle(b, alice, second, "preview") == "ready");
        std::this_thread::sleep_for(300ms);  // its last job.progressed is published after the state is stored

        // Reconnect to A with Last-Event-ID: the missed events first, then live ones.
        auto onA = openStream(replicas.a->port(), alice.access, lastSeen);
        StreamReader reader(*onA);
        auto replayed = reader.until([&](const StreamEvent& e) { return previewOf(e, second); }, 20s);
        REQUIRE_MESSAGE(!replayed.empty(), "no backlog was replayed");
        CHECK(previewOf(replayed.back(), second));
        const auto third = uploadOk(a, alice, photo(replicas.dir, "third", 720));
        auto live = reader.until([&](const StreamEvent& e) { return previewOf(e, third); }, 60s);
        REQUIRE(!live.empty());
        CHECK(previewOf(live.back(), third));

        std::vector<StreamEvent> after = replayed;
        after.insert(after.end(), live.begin(), live.end());
        std::set<std::int64_t> ids;
        for (std::size_t i = 0; i < after.size(); ++i) {
            CHECK(after[i].id > lastSeen);                    // nothing seen before comes again
            CHECK(ids.insert(after[i].id).second);            // nothing twice
            if (i > 0) CHECK(after[i - 1].id < after[i].id);  // in order
        }
        // Every event of the second photo is among what was replayed.
        const auto secondEvents = std::count_if(replayed.begin(), replayed.end(), [&](const StreamEvent& e) {
            return e.data.find(second) != std::string::npos && e.name == "derivative.created";
        });
        CHECK(secondEvents >= 2);  // thumbnail and preview
    }

    TEST_CASE("delivery between replicas: p99 under one second") {
        ReplicaPair replicas;
        HttpClient a(replicas.a->port());
        auto alice = mediaAdmin(a);
        auto onB = openStream(replicas.b->port(), alice.access);
        StreamReader reader(*onB);
        reader.read(300ms);
        constexpr int kEvents = 200;
        std::vector<double> latencies;
        for (int i = 0; i < kEvents; ++i) {
            const auto sent = std::chrono::steady_clock::now();
            const std::string job = "probe-" + std::to_string(i);
            replicas.a->bus().publish(images::JobProgressed{job, "asset", alice.id, "probe", "running", 0.5});
            auto got = reader.until(
                [&](const StreamEvent& e) { return e.data.find("\"" + job + "\"") != std::string::npos; }, 5s);
            REQUIRE(!got.empty());
            REQUIRE(got.back().data.find("\"" + job + "\"") != std::string::npos);
            latencies.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count());
            std::this_thread::sleep_for(std::chrono::milliseconds((i * 37) % 101));  // spread over the poll phase
        }
        std::sort(latencies.begin(), latencies.end());
        const double p50 = latencies[kEvents / 2];
        const double p99 = latencies[kEvents * 99 / 100];
        MESSAGE("relay delivery A->B over the database (" << kEvents << " events): p50 " << p50 << " ms, p99 " << p99
                                                          << " ms, max " << latencies.back() << " ms");
        CHECK(p99 < 1000.0);
    }
}
