#include "obscura/images/events.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/metrics.hpp"

using namespace obscura;
using namespace obscura::images;

TEST_SUITE("images.events") {
    TEST_CASE("event names follow noun.verbPast") {
        CHECK(AssetCreated::kName == "asset.created");
        CHECK(AssetUpdated::kName == "asset.updated");
        CHECK(AssetTrashed::kName == "asset.trashed");
        CHECK(AssetRestored::kName == "asset.restored");
        CHECK(AssetDeleted::kName == "asset.deleted");
        CHECK(DerivativeCreated::kName == "derivative.created");
        CHECK(DerivativeFailed::kName == "derivative.failed");
        CHECK(JobProgressed::kName == "job.progressed");
        CHECK(AlbumShared::kName == "album.shared");
    }

    TEST_CASE("events round-trip through JSON with camelCase fields") {
        DerivativeCreated d{"a1", "u1", "thumbnail", 3};
        nlohmann::json j = d;
        CHECK(j == nlohmann::json{{"assetId", "a1"}, {"ownerId", "u1"}, {"kind", "thumbnail"}, {"version", 3}});
        auto back = j.get<DerivativeCreated>();
        CHECK(back.assetId == "a1");
        CHECK(back.version == 3);

        JobProgressed p{"j1", "a1", "u1", "mp3", "running", 0.5};
        auto p2 = nlohmann::json(p).get<JobProgressed>();
        CHECK(p2.progress == doctest::Approx(0.5));
        CHECK(p2.state == "running");

        AssetCreated c{"a2", "u2", "video", "video/mp4"};
        CHECK(nlohmann::json(c).get<AssetCreated>().mimeType == "video/mp4");

        AlbumShared shared{"al1", "Summer", "u1", "Alice", "u2", "editor"};
        nlohmann::json sj = shared;
        CHECK(sj == nlohmann::json{{"albumId", "al1"},
                                   {"albumName", "Summer"},
                                   {"ownerId", "u1"},
                                   {"ownerName", "Alice"},
                                   {"userId", "u2"},
                                   {"role", "editor"}});
        CHECK(sj.get<AlbumShared>().userId == "u2");
    }

    TEST_CASE("a JSON event with a missing field is refused, not defaulted") {
        nlohmann::json j = {{"assetId", "a1"}, {"ownerId", "u1"}};
        CHECK_THROWS(j.get<DerivativeFailed>());
    }

    TEST_CASE("a typed event published on the bus reaches its typed subscriber") {
        Metrics metrics;
        Bus bus(metrics, 1);
        std::atomic<int> seen{0};
        auto sub = bus.subscribe<AssetDeleted>("test.cleanup", [&](const AssetDeleted& e) {
            if (e.id == "gone" && e.ownerId == "u") ++seen;
        });
        bus.publish(AssetDeleted{"gone", "u"});
        bus.stop();
        CHECK(seen == 1);
    }
}
