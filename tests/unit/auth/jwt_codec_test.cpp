#include "jwt_codec.hpp"

#include <doctest/doctest.h>

#include "jwt_forge.hpp"

using namespace obscura;
using namespace obscura::auth;
using obscura::test::claimsWith;
using obscura::test::forgeJwt;
using obscura::test::Signature;
using obscura::test::validClaimsJson;

namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const std::string kHs256Header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::int64_t kNow = 1'800'000'000;

AccessClaims sampleClaims() {
    AccessClaims c;
    c.subject = "6f1c2d3e-0000-4000-8000-000000000001";
    c.issuedAt = kNow;
    c.expiresAt = kNow + 900;
    c.admin = true;
    c.jwtId = "jti-1";
    c.tokenVersion = 4;
    return c;
}

// The reason in "invalid access token: <reason>", for failed decodes.
std::string refusal(const Expected<AccessClaims>& decoded) {
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == ErrorCode::Unauthenticated);
    return decoded.error().message;
}

}  // namespace

TEST_SUITE("auth.jwt") {
    TEST_CASE("a token it signed decodes to the same claims") {
        JwtCodec codec(kSecret);
        auto token = codec.encode(sampleClaims());
        REQUIRE(token.ok());
        auto decoded = codec.decode(*token, kNow + 10);
        REQUIRE_MESSAGE(decoded.ok(), decoded.error().message);
        CHECK(decoded->subject == sampleClaims().subject);
        CHECK(decoded->issuedAt == kNow);
        CHECK(decoded->expiresAt == kNow + 900);
        CHECK(decoded->admin);
        CHECK(decoded->jwtId == "jti-1");
        CHECK(decoded->tokenVersion == 4);
    }

    TEST_CASE("a hand-made HS256 token with the right claims is accepted: the forge agrees with the codec") {
        JwtCodec codec(kSecret);
        auto token = forgeJwt(kHs256Header, validClaimsJson("user-1", kNow), kSecret, Signature::HS256);
        auto decoded = codec.decode(token, kNow);
        REQUIRE_MESSAGE(decoded.ok(), decoded.error().message);
        CHECK(decoded->subject == "user-1");
    }

    TEST_CASE("a tampered signature, payload or header is refused") {
        JwtCodec codec(kSecret);
        auto token = *codec.encode(sampleClaims());
        auto badSignature = token;
        badSignature.back() = badSignature.back() == 'A' ? 'B' : 'A';
        CHECK(refusal(codec.decode(badSignature, kNow)).find("signature") != std::string::npos);

        // Same signature, payload swapped for one that says admin of somebody else.
        const auto dot1 = token.find('.');
        const auto dot2 = token.find('.', dot1 + 1);
        auto swapped = token.substr(0, dot1 + 1) + obscura::test::base64Url(validClaimsJson("someone-else", kNow)) +
                       token.substr(dot2);
        refusal(codec.decode(swapped, kNow));

        auto otherSecret = forgeJwt(kHs256Header, validClaimsJson("user-1", kNow), kSecret + "x", Signature::HS256);
        refusal(codec.decode(otherSecret, kNow));
    }

    TEST_CASE("alg none is refused in any casing, with or without a signature") {
        JwtCodec codec(kSecret);
        for (const char* alg : {"none", "None", "NONE", "nOnE"}) {
            INFO(alg);
            const std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
            refusal(codec.decode(forgeJwt(header, validClaimsJson("user-1", kNow), kSecret, Signature::Empty), kNow));
            refusal(codec.decode(forgeJwt(header, validClaimsJson("user-1", kNow), kSecret, Signature::HS256), kNow));
            refusal(codec.decode(forgeJwt(header, validClaimsJson("user-1", kNow), kSecret, Signature::Garbage), kNow));
        }
        refusal(codec.decode(forgeJwt(R"({"typ":"JWT"})", validClaimsJson("user-1", kNow), kSecret, Signature::HS256),
                             kNow));
    }

    TEST_CASE("HS384 and HS512 signed with our secret, RS256 and a lower-case hs256 are refused") {
        // libjwt 1.10.2 alone accepts the first two: it verifies with whatever algorithm the header names.
        JwtCodec codec(kSecret);
        const auto claims = validClaimsJson("user-1", kNow);
        CHECK(refusal(codec.decode(forgeJwt(R"({"alg":"HS384","typ":"JWT"})", claims, kSecret, Signature::HS384), kNow))
                  .find("algorithm") != std::string::npos);
        CHECK(refusal(codec.decode(forgeJwt(R"({"alg":"HS512","typ":"JWT"})", claims, kSecret, Signature::HS512), kNow))
                  .find("algorithm") != std::string::npos);
        refusal(codec.decode(forgeJwt(R"({"alg":"RS256","typ":"JWT"})", claims, kSecret, Signature::Garbage), kNow));
        refusal(codec.decode(forgeJwt(R"({"alg":"RS256","typ":"JWT"})", claims, kSecret, Signature::HS256), kNow));
        refusal(codec.decode(forgeJwt(R"({"alg":"hs256","typ":"JWT"})", claims, kSecret, Signature::HS256), kNow));
        refusal(codec.decode(
            forgeJwt(R"({"alg":"HS256","typ":"JWT","crit":["exp"]})", claims, kSecret, Signature::HS256), kNow));
    }

    TEST_CASE("an expired token is refused; within the leeway it still passes") {
        JwtCodec codec(kSecret);
        auto token = *codec.encode(sampleClaims());
        const std::int64_t exp = kNow + 900;
        const std::int64_t leeway = JwtCodec::kLeeway.count();
        CHECK(codec.decode(token, exp + leeway - 1).ok());
        CHECK(refusal(codec.decode(token, exp + leeway)).find("expired") != std::string::npos);
        CHECK(refusal(codec.decode(token, exp + 86400)).find("expired") != std::string::npos);
    }

    TEST_CASE("a token not yet valid, by iat or nbf, is refused beyond the leeway") {
        JwtCodec codec(kSecret);
        const std::int64_t leeway = JwtCodec::kLeeway.count();
        auto futureIat =
            forgeJwt(kHs256Header, validClaimsJson("user-1", kNow + leeway + 60), kSecret, Signature::HS256);
        CHECK(refusal(codec.decode(futureIat, kNow)).find("not yet valid") != std::string::npos);
        auto slightlyAhead =
            forgeJwt(kHs256Header, validClaimsJson("user-1", kNow + leeway - 1), kSecret, Signature::HS256);
        CHECK(codec.decode(slightlyAhead, kNow).ok());  // clocks of replicas differ a little
        auto futureNbf = forgeJwt(kHs256Header, claimsWith("user-1", kNow, "nbf", std::to_string(kNow + 3600)), kSecret,
                                  Signature::HS256);
        CHECK(refusal(codec.decode(futureNbf, kNow)).find("not yet valid") != std::string::npos);
        auto pastNbf = forgeJwt(kHs256Header, claimsWith("user-1", kNow, "nbf", std::to_string(kNow - 10)), kSecret,
                                Signature::HS256);
        CHECK(codec.decode(pastNbf, kNow).ok());
    }

    TEST_CASE("a wrong issuer or audience is refused; an audience list that holds ours is accepted") {
        JwtCodec codec(kSecret);
        const auto sign = [&](const std::string& claims) {
            return forgeJwt(kHs256Header, claims, kSecret, Signature::HS256);
        };
        CHECK(refusal(codec.decode(sign(claimsWith("u", kNow, "iss", R"("someone-else")")), kNow)).find("issuer") !=
              std::string::npos);
        CHECK(refusal(codec.decode(sign(claimsWith("u", kNow, "iss", "")), kNow)).find("issuer") != std::string::npos);
        CHECK(refusal(codec.decode(sign(claimsWith("u", kNow, "aud", R"("other-api")")), kNow)).find("audience") !=
              std::string::npos);
        CHECK(refusal(codec.decode(sign(claimsWith("u", kNow, "aud", "")), kNow)).find("audience") !=
              std::string::npos);
        CHECK(codec.decode(sign(claimsWith("u", kNow, "aud", R"(["other-api","obscura-api"])")), kNow).ok());
    }

    TEST_CASE("a token of another type, or with a claim missing or mistyped, is refused") {
        JwtCodec codec(kSecret);
        const auto sign = [&](const std::string& claims) {
            return forgeJwt(kHs256Header, claims, kSecret, Signature::HS256);
        };
        CHECK(refusal(codec.decode(sign(claimsWith("u", kNow, "type", R"("refresh")")), kNow)).find("access token") !=
              std::string::npos);
        refusal(codec.decode(sign(claimsWith("u", kNow, "type", "")), kNow));
        for (const char* claim : {"sub", "iat", "exp", "jti", "ver"}) {
            INFO(claim);
            refusal(codec.decode(sign(claimsWith("u", kNow, claim, "")), kNow));
        }
        refusal(codec.decode(sign(claimsWith("u", kNow, "exp", R"("tomorrow")")), kNow));
        refusal(codec.decode(sign(claimsWith("u", kNow, "exp", "1.8e9")), kNow));
        refusal(codec.decode(sign(claimsWith("u", kNow, "sub", R"("")")), kNow));
        refusal(codec.decode(sign(claimsWith("u", kNow, "admin", R"("yes")")), kNow));
        refusal(codec.decode(sign("[1,2,3]"), kNow));
    }

    TEST_CASE("malformed strings, opaque refresh tokens and API keys are not access tokens") {
        JwtCodec codec(kSecret);
        auto token = *codec.encode(sampleClaims());
        for (const std::string& bad : {std::string(), std::string("abc"), std::string("a.b"), token + ".extra",
                                       "." + token, token.substr(0, token.rfind('.')), std::string(5000, 'a') + ".b.c",
                                       std::string("kcVSCaCL5AyCQf-WA6nhs_g8maXT2jUEtZKBNb6CUYU"), token + " ",
                                       "Bearer " + token, std::string("a\0b.c.d", 7)}) {
            INFO(bad.substr(0, 60));
            auto refused = codec.decode(bad, kNow);
            REQUIRE_FALSE(refused.ok());
            // The message explains; it never repeats what was sent.
            if (bad.size() > 8) CHECK(refused.error().message.find(bad) == std::string::npos);
        }
    }

    // decode() remembers tokens that verified (by digest) and skips libjwt for them afterwards: these prove the
    // shortcut never accepts what the full check would refuse.
    TEST_CASE("a remembered token still expires and is still not valid before its time") {
        JwtCodec codec(kSecret);
        auto token = *codec.encode(sampleClaims());
        const std::int64_t leeway = JwtCodec::kLeeway.count();
        REQUIRE(codec.decode(token, kNow).ok());  // verified and remembered
        REQUIRE(codec.decode(token, kNow + 60).ok());
        CHECK(refusal(codec.decode(token, kNow + 900 + leeway)).find("expired") != std::string::npos);
        CHECK(refusal(codec.decode(token, kNow - leeway - 1)).find("not yet valid") != std::string::npos);
        CHECK(codec.decode(token, kNow + 1).ok());
    }

    TEST_CASE("after a genuine token was remembered, each one-character change of it is still refused") {
        JwtCodec codec(kSecret);
        auto token = *codec.encode(sampleClaims());
        REQUIRE(codec.decode(token, kNow).ok());
        int refused = 0;
        for (std::size_t i = 0; i < token.size(); ++i) {
            if (token[i] == '.') continue;
            auto changed = token;
            changed[i] = changed[i] == 'A' ? 'B' : 'A';
            // The last character of a base64url segment may carry unused bits: a change there can decode to
            // the same bytes, and then it is the same token to the verifier. Everything else must be refused.
            auto decoded = codec.decode(changed, kNow);
            if (!decoded.ok()) ++refused;
        }
        CHECK(refused >= static_cast<int>(token.size()) - 2 - 3);
        // And the genuine one is still accepted, with its own claims.
        auto again = codec.decode(token, kNow);
        REQUIRE(again.ok());
        CHECK(again->subject == sampleClaims().subject);
        CHECK(again->tokenVersion == 4);
    }

    TEST_CASE("a token refused once is refused again: refusals are not remembered") {
        JwtCodec codec(kSecret);
        auto other = forgeJwt(kHs256Header, validClaimsJson("user-1", kNow), kSecret + "x", Signature::HS256);
        refusal(codec.decode(other, kNow));
        refusal(codec.decode(other, kNow));
        JwtCodec otherCodec(kSecret + "x");
        REQUIRE(otherCodec.decode(other, kNow).ok());  // remembered by its own codec (its own secret) only
        refusal(codec.decode(other, kNow));
    }
}
