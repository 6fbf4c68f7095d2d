// Values come back byte for byte: unicode, large text, RFC 3339 times with their offset, optionals.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

storage::UserRecord roundTrip(storage::Storage& storage, const storage::UserRecord& user) {
    auto created = createUser(storage, user);
    REQUIRE_MESSAGE(created.ok(), created.error().message);
    auto found = findUserById(storage, user.id);
    REQUIRE_MESSAGE(found.ok(), found.error().message);
    REQUIRE(found->has_value());
    return **found;
}

}  // namespace

TEST_SUITE("conformance.values") {
    TEST_CASE("unicode, emoji included, round-trips byte for byte and is found by key") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto user = makeUser("unicode");
            const std::string suffix = user.id.substr(0, 8);
            // Four-byte emoji (outside the BMP: MySQL's 3-byte "utf8" would mangle them), a ZWJ sequence,
            // CJK, right-to-left text with combining marks, and a decomposed accent.
            user.username = "Zoë_📷_写真_" + suffix;
            user.usernameKey = "zoë_📷_写真_" + suffix;
            user.displayName = "👨‍👩‍👧‍👦 Famille Lefèvre 🏔️";
            user.bio = "שָׁלוֹם — café vs cafe\u0301 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 — 😀😃😄";
            user.email = "zoë@exämple.org";
            const auto back = roundTrip(*storage, user);
            CHECK_MESSAGE(describeDifference(user, back).empty(), describeDifference(user, back));
            CHECK(back.displayName == user.displayName);
            CHECK(back.bio == user.bio);
            auto byKey = findUserByUsernameKey(*storage, user.usernameKey);
            REQUIRE_MESSAGE(byKey.ok(), byKey.error().message);
            REQUIRE(byKey->has_value());
            CHECK((*byKey)->id == user.id);
            // A key is matched exactly: the decomposed form of the same-looking text is another key.
            auto other = findUserByUsernameKey(*storage, "zoe\u0308_📷_写真_" + suffix);
            REQUIRE(other.ok());
            CHECK_FALSE(other->has_value());
        });
    }

    TEST_CASE("a 1 MiB text value round-trips") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto user = makeUser("large");
            const std::string chunk = "A photo album 📷 with a long story — ";
            while (user.bio.size() < (1u << 20)) user.bio += chunk;
            user.bio.resize(1u << 20);
            // Cut at a code point boundary so the value stays valid UTF-8.
            while ((static_cast<unsigned char>(user.bio.back()) & 0xC0) == 0x80 ||
                   static_cast<unsigned char>(user.bio.back()) >= 0xC0) {
                user.bio.pop_back();
            }
            REQUIRE(user.bio.size() >= (1u << 20) - 4);
            const auto back = roundTrip(*storage, user);
            CHECK(back.bio.size() == user.bio.size());
            CHECK(back.bio == user.bio);
        });
    }

    TEST_CASE("RFC 3339 times come back exactly as stored, offset included") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto user = makeUser("times");
            user.createdAt = "2021-07-04T10:20:30+02:00";
            user.updatedAt = "2021-07-04T08:20:30.123456Z";
            const auto back = roundTrip(*storage, user);
            CHECK(back.createdAt == "2021-07-04T10:20:30+02:00");
            CHECK(back.updatedAt == "2021-07-04T08:20:30.123456Z");
        });
    }

    TEST_CASE("flags and optional numbers round-trip, absence included") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            auto unlimited = makeUser("quota_none");
            unlimited.quotaBytes = std::nullopt;
            auto zero = makeUser("quota_zero");
            zero.quotaBytes = 0;
            zero.isAdmin = true;
            auto large = makeUser("quota_large");
            large.quotaBytes = 5'000'000'000'000;  // 5 TB: past 32 bits
            large.disabled = true;
            large.email.clear();
            large.displayName.clear();
            for (const auto& user : {unlimited, zero, large}) {
                CAPTURE(user.username);
                const auto back = roundTrip(*storage, user);
                CHECK_MESSAGE(describeDifference(user, back).empty(), describeDifference(user, back));
            }
        });
    }
}
