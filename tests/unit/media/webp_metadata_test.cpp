// Rewriting our own WebP output without its metadata chunks.
#include "webp_metadata.hpp"

#include <doctest/doctest.h>

#include <cstdint>

using obscura::media::stripWebpMetadata;

namespace {

std::string le32(std::uint32_t v) {
    std::string s(4, '\0');
    for (int i = 0; i < 4; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
}

std::string chunk(const std::string& fourcc, const std::string& payload) {
    std::string c = fourcc + le32(static_cast<std::uint32_t>(payload.size())) + payload;
    if (payload.size() % 2) c += '\0';
    return c;
}

std::string riff(const std::string& chunks) {
    return "RIFF" + le32(static_cast<std::uint32_t>(4 + chunks.size())) + "WEBP" + chunks;
}

}  // namespace

TEST_SUITE("media.webp_metadata") {
    TEST_CASE("EXIF, XMP and ICCP chunks go; the image and the container stay consistent") {
        std::string vp8x = chunk("VP8X", std::string("\x2C\0\0\0", 4) + std::string(6, '\x01'));  // ICC|EXIF|XMP
        std::string image = chunk("VP8 ", "odd-sized image data");                                // padded
        std::string alpha = chunk("ALPH", "ab");
        std::string input = riff(vp8x + chunk("ICCP", "profile") + alpha + image + chunk("EXIF", "Exif\0\0GPS") +
                                 chunk("XMP ", "<x:xmpmeta/>"));
        auto out = stripWebpMetadata(input);
        REQUIRE(out.ok());
        std::string expectedVp8x = vp8x;
        expectedVp8x[8] = '\0';  // flags cleared
        CHECK(*out == riff(expectedVp8x + alpha + image));
        CHECK(out->find("GPS") == std::string::npos);
        CHECK(out->find("xmpmeta") == std::string::npos);
    }

    TEST_CASE("a simple-format WebP without metadata comes back unchanged") {
        std::string input = riff(chunk("VP8L", "lossless"));
        auto out = stripWebpMetadata(input);
        REQUIRE(out.ok());
        CHECK(*out == input);
    }

    TEST_CASE("malformed containers are refused, not mangled") {
        CHECK_FALSE(stripWebpMetadata("").ok());
        CHECK_FALSE(stripWebpMetadata("RIFF\x04\0\0\0WAVE").ok());
        std::string truncated = riff(chunk("VP8 ", "data"));
        truncated.resize(truncated.size() - 2);
        CHECK_FALSE(stripWebpMetadata(truncated).ok());
        std::string lying = riff(chunk("VP8 ", "data"));
        lying[16] = '\x7F';  // chunk size beyond the container
        auto r = stripWebpMetadata(lying);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == obscura::ErrorCode::Internal);
    }
}
