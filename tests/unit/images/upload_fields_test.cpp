#include "upload/upload_fields.hpp"

#include <doctest/doctest.h>

using namespace obscura;
using namespace obscura::images;

namespace {

ErrorCode codeOf(const FormFields& f) {
    auto r = parseUploadFields(f);
    REQUIRE_FALSE(r.ok());
    return r.error().code;
}

}  // namespace

TEST_SUITE("images.upload_fields") {
    TEST_CASE("every known field is read; unknown ones are skipped") {
        auto r = parseUploadFields({{"title", "Beach"},
                                    {"description", "Line one\nline two"},
                                    {"tags", "sea, Sun"},
                                    {"tags", "sand"},
                                    {"tags", "SEA"},
                                    {"takenAt", "2021-07-04T10:20:30+02:00"},
                                    {"albumId", "0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11"},
                                    {"deviceAssetId", "IMG_1.jpg-123"},
                                    {"deviceId", "phone"},
                                    {"fileCreatedAt", "2021-07-04T08:20:30.000Z"},
                                    {"fileModifiedAt", "2021-07-05T08:20:30.000Z"},
                                    {"isFavorite", "true"},
                                    {"fileSize", "1234"},
                                    {"isVisible", "true"},
                                    {"duration", "0:00:00.000000"}});
        REQUIRE(r.ok());
        CHECK(r->title == "Beach");
        CHECK(r->description == "Line one\nline two");
        CHECK(r->tags == std::vector<std::string>{"sea", "Sun", "sand"});
        REQUIRE(r->takenAt);
        CHECK(r->takenAt->text == "2021-07-04T10:20:30+02:00");
        CHECK(r->albumId == "0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11");
        CHECK(r->deviceAssetId == "IMG_1.jpg-123");
        CHECK(r->deviceId == "phone");
        REQUIRE(r->fileCreatedAt);
        CHECK(r->fileCreatedAt->utcUs == r->takenAt->utcUs);
        CHECK(r->isFavorite);
        CHECK(r->fileSize == 1234);
    }

    TEST_CASE("no fields at all is fine") {
        auto r = parseUploadFields({});
        REQUIRE(r.ok());
        CHECK(r->tags.empty());
        CHECK_FALSE(r->isFavorite);
        CHECK_FALSE(r->takenAt);
    }

    TEST_CASE("bad values are Invalid and name the field") {
        auto r = parseUploadFields({{"takenAt", "2021-07-04 10:20:30"}});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::Invalid);
        CHECK(r.error().message.find("takenAt") != std::string::npos);
        CHECK(codeOf({{"isFavorite", "yes"}}) == ErrorCode::Invalid);
        CHECK(codeOf({{"fileSize", "-1"}}) == ErrorCode::Invalid);
        CHECK(codeOf({{"fileSize", "12a"}}) == ErrorCode::Invalid);
        CHECK(codeOf({{"albumId", "album-1"}}) == ErrorCode::Invalid);
        CHECK(codeOf({{"title", std::string("a\x01")}}) == ErrorCode::Invalid);
        CHECK(codeOf({{"title", std::string(501, 'x')}}) == ErrorCode::Invalid);
        CHECK(codeOf({{"title", "\xC3\x28"}}) == ErrorCode::Invalid);  // not UTF-8
        CHECK(codeOf({{"deviceId", std::string(256, 'd')}}) == ErrorCode::Invalid);
        CHECK(codeOf({{"fileCreatedAt", "yesterday"}}) == ErrorCode::Invalid);
    }

    TEST_CASE("a single-valued field sent twice is refused; tags may repeat") {
        CHECK(codeOf({{"title", "a"}, {"title", "b"}}) == ErrorCode::Invalid);
        CHECK(parseUploadFields({{"tags", "a"}, {"tags", "b"}}).ok());
    }
}
