// Takeout's sidecar naming and values (app/import/takeout_sidecar.hpp), with the cases the Takeout readers
// have collected (immich-go's matcher tests among them).
#include "import/takeout_sidecar.hpp"

#include <doctest/doctest.h>

using namespace obscura::import;

namespace {

std::string matched(const std::string& media, const std::vector<std::string>& jsons) {
    auto m = matchTakeoutSidecar(media, jsons);
    return m ? jsons[*m] : "";
}

constexpr std::int64_t kNow = 1767225600;  // 2026-01-01

}  // namespace

TEST_SUITE("import.takeout_names") {
    TEST_CASE("a photo finds its JSON by full, newer and cut names, with (n) after the whole name") {
        CHECK(matched("PXL_20211013_220651983.jpg", {"PXL_20211013_220651983.jpg.json"}) ==
              "PXL_20211013_220651983.jpg.json");
        CHECK(matched("IMG_1.jpg", {"IMG_1.jpg.supplemental-metadata.json"}) == "IMG_1.jpg.supplemental-metadata.json");
        CHECK(matched("DSC_0101(1).JPG", {"DSC_0101.JPG.json", "DSC_0101.JPG(1).json"}) == "DSC_0101.JPG(1).json");
        CHECK(matched("DSC_0101.JPG", {"DSC_0101.JPG(1).json", "DSC_0101.JPG.json"}) == "DSC_0101.JPG.json");
        CHECK(matched("IMG_2710(1).HEIC", {"IMG_2710.HEIC(1).json"}) == "IMG_2710.HEIC(1).json");
        CHECK(matched("IMG_9(1).jpg", {"IMG_9.jpg.supplemental-metadata(1).json"}) ==
              "IMG_9.jpg.supplemental-metadata(1).json");
        // Cut to 46 code points before ".json"; the media name itself cut to 47 + extension.
        CHECK(matched("PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg",
                      {"PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json"}) ==
              "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json");
        CHECK(matched("13039_327707840323_537645323_9470255_27214_n(1).jpg",
                      {"13039_327707840323_537645323_9470255_27214_n.j(1).json"}) ==
              "13039_327707840323_537645323_9470255_27214_n.j(1).json");
        CHECK(matched("IMG_20200101_120000123.jpg", {"IMG_20200101_120000123.jpg.supplemental-metada.json"}) ==
              "IMG_20200101_120000123.jpg.supplemental-metada.json");
    }

    TEST_CASE("a JSON of another photo, another counter or a short prefix is not taken") {
        CHECK(matched("PXL_20211013_220651958.jpg", {"PXL_20211013_220651983.jpg.json"}).empty());
        CHECK(matched("DSC_0103.JPG", {"DSC_0103.JPG(1).json"}).empty());
        CHECK(matched("DSC_0104(1).JPG", {"DSC_0104.JPG.json"}).empty());
        CHECK(matched("DSC_0102(1).JPG", {"DSC_0102.JPG(2).json"}).empty());
        CHECK(matched("IMG_12.jpg", {"IMG_1.jpg.json"}).empty());  // a prefix, but not cut at 46
        CHECK(matched("IMG_1.jpg", {"metadata.json", ""}).empty());
    }

    TEST_CASE("an edited copy names its original") {
        CHECK(uneditedName("IMG_1234-edited.jpg") == "IMG_1234.jpg");
        CHECK(uneditedName("PXL_1.PORTRAIT-modifié.jpg") == "PXL_1.PORTRAIT.jpg");
        CHECK(uneditedName("IMG_1234.jpg").empty());
        CHECK(uneditedName("-edited.jpg").empty());
    }
}

TEST_SUITE("import.takeout_json") {
    TEST_CASE("date, place, description and favourite are read as Google writes them") {
        auto s = parseTakeoutSidecar(R"({"title":"IMG_1.jpg","description":"Paris",
            "photoTakenTime":{"timestamp":"1563100000","formatted":"x"},
            "geoData":{"latitude":0.0,"longitude":0.0},"geoDataExif":{"latitude":48.5,"longitude":2.25},
            "favorited":true})",
                                     kNow);
        REQUIRE(s.ok());
        CHECK(s->title == "IMG_1.jpg");
        CHECK(s->values.description == "Paris");
        REQUIRE(s->values.takenAt.has_value());
        CHECK(s->values.takenAt->text == "2019-07-14T10:26:40.000Z");
        CHECK(s->values.latitude == 48.5);  // geoData 0,0 means none: the camera's place is taken
        CHECK(s->values.longitude == 2.25);
        CHECK(s->values.favorite == true);
        CHECK(s->warnings.empty());
    }

    TEST_CASE("impossible dates and coordinates are left out with a warning") {
        auto s = parseTakeoutSidecar(R"({"photoTakenTime":{"timestamp":"99999999999999"},
            "geoData":{"latitude":123.0,"longitude":10.0}})",
                                     kNow);
        REQUIRE(s.ok());
        CHECK_FALSE(s->values.takenAt.has_value());
        CHECK_FALSE(s->values.latitude.has_value());
        CHECK(s->warnings.size() == 2);
        auto old = parseTakeoutSidecar(R"({"photoTakenTime":{"timestamp":"-9000000000"}})", kNow);
        CHECK_FALSE(old->values.takenAt.has_value());
        auto text = parseTakeoutSidecar(R"({"photoTakenTime":{"timestamp":"soon"}})", kNow);
        CHECK_FALSE(text->values.takenAt.has_value());
        CHECK_FALSE(parseTakeoutSidecar("{ nope", kNow).ok());
        CHECK_FALSE(parseTakeoutSidecar("[1,2]", kNow).ok());
    }

    TEST_CASE("an album folder's metadata gives its title; a photo's JSON is no album") {
        CHECK(parseAlbumMetadata(R"({"title":"Trip","date":{"timestamp":"1"}})") == "Trip");
        CHECK(parseAlbumMetadata(R"({"albumData":{"title":"Old style"}})") == "Old style");
        CHECK_FALSE(parseAlbumMetadata(R"({"title":"IMG_1.jpg","photoTakenTime":{"timestamp":"1"}})").has_value());
        CHECK_FALSE(parseAlbumMetadata("not json").has_value());
    }
}
