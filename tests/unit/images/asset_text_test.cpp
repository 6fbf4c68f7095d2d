#include "assets/asset_text.hpp"

#include <doctest/doctest.h>

using namespace obscura::images;

TEST_SUITE("images.asset_text") {
    TEST_CASE("tags are trimmed, deduplicated without ASCII case, first spelling kept") {
        auto tags = normalizeTags({" Beach ", "beach", "", "  ", "Family", "BEACH", "café", "CAFÉ"});
        REQUIRE(tags.ok());
        // Non-ASCII case is not folded: "café" and "CAFÉ" stay two tags, as the storage plugins compare them.
        CHECK(*tags == std::vector<std::string>{"Beach", "Family", "café", "CAFÉ"});
    }

    TEST_CASE("tags and texts that break a rule are Invalid") {
        CHECK_FALSE(normalizeTags({"a,b"}).ok());
        CHECK_FALSE(normalizeTags({std::string(101, 'x')}).ok());
        CHECK(normalizeTags({std::string(100, 'x')}).ok());
        CHECK_FALSE(normalizeTags({"tab\tinside"}).ok());
        std::vector<std::string> many;
        for (int i = 0; i < 101; ++i) many.push_back("t" + std::to_string(i));
        CHECK_FALSE(normalizeTags(many).ok());
        CHECK(checkTitle(std::string(500, 'x')).ok());
        CHECK_FALSE(checkTitle(std::string(501, 'x')).ok());
        CHECK_FALSE(checkTitle("line\nbreak").ok());
        CHECK(checkDescription("line\nbreak\ttab").ok());
        CHECK_FALSE(checkDescription(std::string("nul\0x", 5)).ok());
        CHECK_FALSE(checkDescription(std::string(10001, 'x')).ok());
    }
}
