// The images repository's live-photo contract: finding a still's or video's partner, pairing them, and the
// paired video staying out of every listing while still reachable by id.
#include <doctest/doctest.h>

#include <algorithm>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::AssetRecord;
using storage::ImagesRepository;

namespace {

constexpr std::int64_t kWindowUs = 2'000'000;

AssetRecord liveAsset(const std::string& owner, const std::string& type, std::optional<std::string> contentId,
                      std::optional<std::string> baseName, std::int64_t takenAtUs = kJuly2021Us) {
    auto a = makeAsset(owner, takenAtUs);
    a.type = type;
    a.mimeType = type == "video" ? "video/quicktime" : "image/jpeg";
    a.liveContentId = std::move(contentId);
    a.liveBaseName = std::move(baseName);
    return a;
}

std::optional<AssetRecord> partnerOf(storage::Storage& s, const AssetRecord& a) {
    auto found = withImages(s, [&](ImagesRepository& r) { return r.findLivePartner(a, kWindowUs); });
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    return *found;
}

Status link(storage::Storage& s, const std::string& owner, const AssetRecord& still, const AssetRecord& video) {
    return withImages(s, [&](ImagesRepository& r) { return r.linkLivePhoto(owner, still.id, video.id); });
}

// (images, videos) as GET /api/assets/statistics answers them.
std::pair<std::int64_t, std::int64_t> counts(storage::Storage& s, const std::string& owner) {
    auto c = withImages(s, [&](ImagesRepository& r) { return r.countAssets(owner); });
    REQUIRE_MESSAGE(c.ok(), c.error().message);
    return {c->images, c->videos};
}

}  // namespace

TEST_SUITE("conformance.images.live_photos") {
    TEST_CASE("a still finds its video by content identifier, else by base name within the window") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "live");
            const auto video = liveAsset(owner, "video", "AAAA-1", "img_0001", kJuly2021Us + 10'000'000);
            const auto named = liveAsset(owner, "video", std::nullopt, "img_0002");
            for (const auto* x : {&video, &named}) createAssetOk(*storage, *x);

            // By identifier, whatever the names and times.
            auto byId = partnerOf(*storage, liveAsset(owner, "image", "AAAA-1", "other"));
            REQUIRE(byId.has_value());
            CHECK(byId->id == video.id);
            // By name and time: 1.5 s apart pairs, 2.5 s does not; a video never pairs with a video.
            auto byName =
                partnerOf(*storage, liveAsset(owner, "image", std::nullopt, "img_0002", kJuly2021Us + 1'500'000));
            REQUIRE(byName.has_value());
            CHECK(byName->id == named.id);
            CHECK_FALSE(
                partnerOf(*storage, liveAsset(owner, "image", std::nullopt, "img_0002", kJuly2021Us + 2'500'000))
                    .has_value());
            CHECK_FALSE(partnerOf(*storage, liveAsset(owner, "video", std::nullopt, "img_0002")).has_value());
            // Different identifiers never pair by name; no key at all finds nothing.
            CHECK_FALSE(partnerOf(*storage, liveAsset(owner, "image", "BBBB-2", "img_0001", kJuly2021Us + 10'000'000))
                            .has_value());
            CHECK_FALSE(partnerOf(*storage, liveAsset(owner, "image", std::nullopt, std::nullopt)).has_value());
            // Another owner's video is never a partner.
            const auto stranger = createOwner(*storage, "stranger");
            CHECK_FALSE(partnerOf(*storage, liveAsset(stranger, "image", "AAAA-1", "img_0001")).has_value());
        });
    }

    TEST_CASE("a linked pair: the still names the video, the video leaves listings and is no partner any more") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "pair");
            const auto still = liveAsset(owner, "image", "CCCC-3", "img_0003");
            const auto video = liveAsset(owner, "video", "CCCC-3", "img_0003");
            for (const auto* x : {&still, &video}) createAssetOk(*storage, *x);
            CHECK(pageIds(*storage, queryFor(owner)).size() == 2);

            auto linked =
                withImages(*storage, [&](ImagesRepository& r) { return r.linkLivePhoto(owner, still.id, video.id); });
            REQUIRE_MESSAGE(linked.ok(), linked.error().message);
            auto gotStill = withImages(*storage, [&](ImagesRepository& r) { return r.findAsset(owner, still.id); });
            REQUIRE(gotStill.ok());
            REQUIRE(gotStill->has_value());
            CHECK((*gotStill)->livePhotoVideoId == video.id);
            CHECK_FALSE((*gotStill)->isHidden);
            auto gotVideo = withImages(*storage, [&](ImagesRepository& r) { return r.findAsset(owner, video.id); });
            REQUIRE(gotVideo.ok());
            REQUIRE(gotVideo->has_value());
            CHECK((*gotVideo)->isHidden);
            CHECK((*gotVideo)->liveContentId == "CCCC-3");
            CHECK_FALSE((*gotVideo)->livePhotoVideoId.has_value());

            CHECK(pageIds(*storage, queryFor(owner)) == std::vector<std::string>{still.id});
            auto videos = queryFor(owner);
            videos.filter.type = "video";
            CHECK(pageIds(*storage, videos).empty());
            auto search = queryFor(owner);
            search.filter.q = "img";  // no listing shape shows it, search included
            const auto found = pageIds(*storage, search);
            CHECK(std::find(found.begin(), found.end(), video.id) == found.end());
            // Paired halves are nobody's partner again.
            CHECK_FALSE(partnerOf(*storage, liveAsset(owner, "image", "CCCC-3", "img_0003")).has_value());
            CHECK_FALSE(partnerOf(*storage, liveAsset(owner, "video", "CCCC-3", "img_0003")).has_value());
        });
    }

    TEST_CASE("linking a foreign or wrong-kind asset is NotFound") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "own");
            const auto other = createOwner(*storage, "other");
            const auto still = liveAsset(owner, "image", std::nullopt, "a");
            const auto foreignVideo = liveAsset(other, "video", std::nullopt, "a");
            const auto image2 = liveAsset(owner, "image", std::nullopt, "b");
            for (const auto* x : {&still, &foreignVideo, &image2}) createAssetOk(*storage, *x);
            auto foreign = withImages(
                *storage, [&](ImagesRepository& r) { return r.linkLivePhoto(owner, still.id, foreignVideo.id); });
            REQUIRE_FALSE(foreign.ok());
            CHECK(foreign.error().code == ErrorCode::NotFound);
            auto wrongKind =
                withImages(*storage, [&](ImagesRepository& r) { return r.linkLivePhoto(owner, still.id, image2.id); });
            REQUIRE_FALSE(wrongKind.ok());
            CHECK(wrongKind.error().code == ErrorCode::NotFound);
        });
    }

    TEST_CASE("a pair is counted once, as its still, through link, trash, restore and delete") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "counted");
            const auto still = liveAsset(owner, "image", "DDDD-4", "img_0004");
            const auto video = liveAsset(owner, "video", "DDDD-4", "img_0004");
            const auto single = liveAsset(owner, "video", std::nullopt, "clip");
            for (const auto* x : {&still, &video, &single}) createAssetOk(*storage, *x);
            CHECK(counts(*storage, owner) == std::pair<std::int64_t, std::int64_t>{1, 2});
            REQUIRE(link(*storage, owner, still, video).ok());
            CHECK(counts(*storage, owner) == std::pair<std::int64_t, std::int64_t>{1, 1});
            // Linking the same pair again (the second of two concurrent uploads) changes nothing.
            CHECK(link(*storage, owner, still, video).ok());
            CHECK(counts(*storage, owner) == std::pair<std::int64_t, std::int64_t>{1, 1});

            auto trashed = withImages(*storage, [&](ImagesRepository& r) -> Status {
                OBSCURA_TRY_STATUS(r.trashAsset(owner, still.id, "2024-05-01T00:00:00Z", 5));
                OBSCURA_TRY_STATUS(r.trashAsset(owner, video.id, "2024-05-01T00:00:00Z", 5));
                return {};
            });
            REQUIRE_MESSAGE(trashed.ok(), trashed.error().message);
            CHECK(counts(*storage, owner) == std::pair<std::int64_t, std::int64_t>{0, 1});
            auto restored = withImages(*storage, [&](ImagesRepository& r) {
                return r.restoreAssets(owner, {still.id, video.id}, "2024-05-02T00:00:00Z");
            });
            REQUIRE(restored.ok());
            CHECK(counts(*storage, owner) == std::pair<std::int64_t, std::int64_t>{1, 1});
            auto deleted = withImages(*storage, [&](ImagesRepository& r) -> Expected<bool> {
                OBSCURA_TRY(a, r.deleteAsset(owner, video.id, false));
                OBSCURA_TRY(b, r.deleteAsset(owner, still.id, false));
                return a && b;
            });
            REQUIRE(deleted.ok());
            CHECK(*deleted);
            CHECK(counts(*storage, owner) == std::pair<std::int64_t, std::int64_t>{0, 1});
        });
    }

    TEST_CASE("a still or a video already paired is not paired again: Conflict") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "taken");
            const auto still = liveAsset(owner, "image", std::nullopt, "img_0005");
            const auto still2 = liveAsset(owner, "image", std::nullopt, "img_0005");
            const auto video = liveAsset(owner, "video", std::nullopt, "img_0005");
            const auto video2 = liveAsset(owner, "video", std::nullopt, "img_0005");
            for (const auto* x : {&still, &still2, &video, &video2}) createAssetOk(*storage, *x);
            REQUIRE(link(*storage, owner, still, video).ok());
            auto secondStill = link(*storage, owner, still2, video);
            REQUIRE_FALSE(secondStill.ok());
            CHECK(secondStill.error().code == ErrorCode::Conflict);
            auto secondVideo = link(*storage, owner, still, video2);
            REQUIRE_FALSE(secondVideo.ok());
            CHECK(secondVideo.error().code == ErrorCode::Conflict);
            auto got = withImages(*storage, [&](ImagesRepository& r) { return r.findAsset(owner, still.id); });
            REQUIRE(got.ok());
            REQUIRE(got->has_value());
            CHECK((*got)->livePhotoVideoId == video.id);
            CHECK(counts(*storage, owner) == std::pair<std::int64_t, std::int64_t>{2, 1});
        });
    }

    TEST_CASE("a paired video is no map marker, no memory and nobody's related photo") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto owner = createOwner(*storage, "placed");
            auto still = liveAsset(owner, "image", "EEEE-5", "img_0006");
            auto video = liveAsset(owner, "video", "EEEE-5", "img_0006", kJuly2021Us + 1'000'000);
            still.exif = video.exif = R"({"latitude":48.8584,"longitude":2.2945})";
            for (const auto* x : {&still, &video}) createAssetOk(*storage, *x);
            REQUIRE(link(*storage, owner, still, video).ok());

            storage::MarkerFilter markers;
            markers.ownerId = owner;
            auto found = withImages(*storage, [&](ImagesRepository& r) { return r.mapMarkers(markers); });
            REQUIRE_MESSAGE(found.ok(), found.error().message);
            REQUIRE(found->markers.size() == 1);
            CHECK(std::string(found->id(found->markers[0])) == still.id);

            storage::MemoryQuery memories;
            memories.ownerId = owner;
            memories.monthDays = {still.takenAt.substr(5, 5)};
            memories.beforeYear = "2100";
            auto remembered = withImages(*storage, [&](ImagesRepository& r) { return r.memories(memories); });
            REQUIRE_MESSAGE(remembered.ok(), remembered.error().message);
            REQUIRE(remembered->size() == 1);
            CHECK(remembered->front().id == still.id);

            std::vector<std::string> near;
            auto taken = storage->run([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(ids, repos.dupes().findTakenBetween({owner}, kJuly2021Us - 60'000'000,
                                                                kJuly2021Us + 60'000'000, kJuly2021Us, 10));
                near = std::move(ids);
                return {};
            });
            REQUIRE_MESSAGE(taken.ok(), taken.error().message);
            CHECK(near == std::vector<std::string>{still.id});
        });
    }
}
