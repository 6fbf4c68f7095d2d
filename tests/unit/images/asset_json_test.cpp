// The asset object writer (asset_json.cpp): it makes room for a whole object from its fields' sizes and then copies
// without checks, so these cases pin that the room is always enough and that the text is the same JSON.
#include "assets/asset_json.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <nlohmann/json.hpp>

using namespace obscura;
using namespace obscura::images;

namespace {

storage::AssetRecord emptyRecord() {
    storage::AssetRecord a;
    a.thumbnail.state.clear();
    a.preview.state.clear();
    a.video.state.clear();
    a.exif.clear();
    return a;
}

}  // namespace

TEST_SUITE("images.asset_json") {
    TEST_CASE("the fixed text of an asset object is well within the room kept for it") {
        auto a = emptyRecord();
        a.durationSeconds = -1.7976931348623157e308;  // the longest number form
        a.width = a.height = std::numeric_limits<std::int64_t>::min();
        a.isTrashed = true;
        a.trashedAt = "";
        a.livePhotoVideoId = "";
        const auto text = assetObjectJson(a);
        CHECK(text.size() < 1024);  // asset_json.cpp keeps 2048
        const auto parsed = nlohmann::json::parse(text);
        CHECK(parsed["exifInfo"].size() == std::size(kExifInfoKeys));
        CHECK(parsed["trashedAt"] == "");
    }

    TEST_CASE("strings at their worst escaping fit and read back as they were") {
        std::string hostile;
        for (int c = 0; c < 0x20; ++c) hostile += static_cast<char>(c);
        hostile += "\"\\\x7f";
        const std::string controls = hostile + hostile + hostile;
        auto a = emptyRecord();
        a.id = std::string(36, 'a');  // written into the URLs unescaped: the plugins only hold UUIDs there
        a.ownerId = a.type = a.originalFileName = a.mimeType = a.checksum = a.takenAt = a.createdAt = a.title =
            a.description = a.thumbnail.state = a.preview.state = a.video.state = controls;
        a.tags = {controls, controls, ""};
        a.isTrashed = true;
        a.trashedAt = controls;
        a.livePhotoVideoId = controls;
        a.exif = R"({"make":")" + std::string(200, 'x') + R"(","model":null,"lens":{"nested":1}})";
        std::string out = "[";
        appendAssetJson(out, a);
        out += "]";
        const auto parsed = nlohmann::json::parse(out)[0];
        CHECK(parsed["title"] == controls);
        CHECK(parsed["tags"] == nlohmann::json::array({controls, controls, ""}));
        CHECK(parsed["livePhotoVideoId"] == controls);
        CHECK(parsed["exifInfo"]["make"] == std::string(200, 'x'));
        CHECK(parsed["exifInfo"]["lens"].is_null());

        // Bytes that are not UTF-8 become U+FFFD (3 bytes for 1).
        auto bad = emptyRecord();
        bad.title = std::string(500, '\xff');
        const auto parsedBad = nlohmann::json::parse(assetObjectJson(bad));
        CHECK(parsedBad["title"].get<std::string>().size() == 1500);
    }

    TEST_CASE("the page writer writes assetPageJson's bytes, nextCursor null on the last page") {
        storage::AssetPage page;
        for (int i = 0; i < 3; ++i) {
            auto a = emptyRecord();
            a.id = "id-" + std::to_string(i);
            a.title = std::string(static_cast<std::size_t>(i) * 700, 'x');  // beyond the 1 KB per asset reserved
            a.tags = {"t" + std::to_string(i)};
            page.items.push_back(a);
        }
        AssetPageWriter writer(1);
        for (const auto& a : page.items) writer.add(storage::viewOf(a));
        const auto streamed = writer.finish("cursor\"1");
        CHECK(streamed == assetPageJson(page, "cursor\"1"));
        const auto parsed = nlohmann::json::parse(streamed);
        CHECK(parsed["items"].size() == 3);
        CHECK(parsed["nextCursor"] == "cursor\"1");
        CHECK(nlohmann::json::parse(assetPageJson({}, ""))["nextCursor"].is_null());
        CHECK(assetPageJson({}, "") == R"({"items":[],"nextCursor":null})");
    }
}
