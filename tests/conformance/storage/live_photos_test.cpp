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
}
