// OIDC's pure parts: JWKS keys turned into PEM that verifies real RS256/ES256 signatures (made by OpenSSL, not by
// our code), keys bound to their algorithm, and what the claims say about e-mail, admin, quota and usernames.
#include <doctest/doctest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "jwt_codec.hpp"
#include "jwt_forge.hpp"
#include "oidc/jwk_keys.hpp"
#include "oidc/oidc_claims.hpp"

using namespace obscura;
using namespace obscura::auth;
using nlohmann::json;

namespace {

struct KeyDeleter {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyDeleter>;

std::string bignumParam(EVP_PKEY* key, const char* name, int width = 0) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key, name, &bn) == 1);
    std::string bytes(width ? width : BN_num_bytes(bn), '\0');
    if (width) {
        BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), width);
    } else {
        BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    }
    BN_free(bn);
    return bytes;
}

// header.payload signed by OpenSSL: RSA PKCS#1 v1.5 or ECDSA converted to JOSE's R||S.
std::string sign(EVP_PKEY* key, const std::string& headerJson, const std::string& payloadJson, bool ec) {
    const std::string input = test::base64Url(headerJson) + "." + test::base64Url(payloadJson);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1);
    std::size_t length = 0;
    REQUIRE(EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1);
    std::string sig(length, '\0');
    REQUIRE(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &length,
                           reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
    sig.resize(length);
    if (ec) {
        const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
        ECDSA_SIG* parsed = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
        REQUIRE(parsed != nullptr);
        std::string rs(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(parsed), reinterpret_cast<unsigned char*>(rs.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(parsed), reinterpret_cast<unsigned char*>(rs.data()) + 32, 32);
        ECDSA_SIG_free(parsed);
        sig = rs;
    }
    return input + "." + test::base64Url(sig);
}

json rsaJwk(EVP_PKEY* key, const std::string& kid) {
    return {{"kty", "RSA"},
            {"kid", kid},
            {"use", "sig"},
            {"n", test::base64Url(bignumParam(key, OSSL_PKEY_PARAM_RSA_N))},
            {"e", test::base64Url(bignumParam(key, OSSL_PKEY_PARAM_RSA_E))}};
}

json ecJwk(EVP_PKEY* key, const std::string& kid) {
    return {{"kty", "EC"},
            {"crv", "P-256"},
            {"kid", kid},
            {"x", test::base64Url(bignumParam(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
            {"y", test::base64Url(bignumParam(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
}

const std::string kClaims = R"({"sub":"s","iss":"https://id.example.org","aud":"c"})";

}  // namespace

TEST_SUITE("auth.oidc.keys") {
    TEST_CASE("an RSA JWK becomes a PEM key that verifies an RS256 signature and refuses a changed token") {
        Key rsa(EVP_RSA_gen(2048));
        REQUIRE(rsa);
        auto keys = parseJwks(json{{"keys", {rsaJwk(rsa.get(), "k1")}}}.dump());
        REQUIRE(keys.ok());
        REQUIRE(keys->size() == 1);
        CHECK(keys->front().alg == "RS256");
        CHECK(keys->front().kid == "k1");
        const auto token = sign(rsa.get(), R"({"alg":"RS256","kid":"k1"})", kClaims, false);
        auto claims = verifyWithPublicKey(token, "RS256", keys->front().pem);
        REQUIRE_MESSAGE(claims.ok(), claims.error().message);
        CHECK(json::parse(*claims)["sub"] == "s");
        std::string changed = token;
        changed[changed.find('.') + 3] ^= 1;
        CHECK_FALSE(verifyWithPublicKey(changed, "RS256", keys->front().pem).ok());
        // The same key cannot be used as an HMAC secret or under another algorithm.
        const auto hmac =
            test::forgeJwt(R"({"alg":"HS256","kid":"k1"})", kClaims, keys->front().pem, test::Signature::HS256);
        CHECK_FALSE(verifyWithPublicKey(hmac, "RS256", keys->front().pem).ok());
        CHECK_FALSE(verifyWithPublicKey(hmac, "HS256", keys->front().pem).ok());
        const auto none = test::forgeJwt(R"({"alg":"none"})", kClaims, "", test::Signature::Empty);
        CHECK_FALSE(verifyWithPublicKey(none, "RS256", keys->front().pem).ok());
    }

    TEST_CASE("a P-256 JWK verifies an ES256 signature in JOSE's R||S form") {
        Key ec(EVP_EC_gen("P-256"));
        REQUIRE(ec);
        auto keys = parseJwks(json{{"keys", {ecJwk(ec.get(), "e1")}}}.dump());
        REQUIRE(keys.ok());
        REQUIRE(keys->size() == 1);
        CHECK(keys->front().alg == "ES256");
        const auto token = sign(ec.get(), R"({"alg":"ES256","kid":"e1"})", kClaims, true);
        auto claims = verifyWithPublicKey(token, "ES256", keys->front().pem);
        REQUIRE_MESSAGE(claims.ok(), claims.error().message);
        CHECK_FALSE(verifyWithPublicKey(token, "RS256", keys->front().pem).ok());
    }

    TEST_CASE("encryption keys, small RSA keys, other curves and keys whose alg disagrees are left out") {
        Key rsa(EVP_RSA_gen(2048));
        Key small(EVP_RSA_gen(1024));
        auto enc = rsaJwk(rsa.get(), "enc");
        enc["use"] = "enc";
        auto wrongAlg = rsaJwk(rsa.get(), "hs");
        wrongAlg["alg"] = "HS256";
        auto curve = json{{"kty", "EC"}, {"crv", "P-384"}, {"x", "AAAA"}, {"y", "AAAA"}};
        auto keys = parseJwks(json{{"keys",
                                    {enc, wrongAlg, rsaJwk(small.get(), "small"), curve,
                                     json{{"kty", "oct"}, {"k", "c2VjcmV0"}}, rsaJwk(rsa.get(), "ok")}}}
                                  .dump());
        REQUIRE(keys.ok());
        REQUIRE(keys->size() == 1);
        CHECK(keys->front().kid == "ok");
        CHECK_FALSE(parseJwks("{\"nokeys\":1}").ok());
        CHECK_FALSE(parseJwks("not json").ok());
    }
}

TEST_SUITE("auth.oidc.claims") {
    TEST_CASE("an e-mail counts as verified only when the provider says true") {
        CHECK(emailVerified(json{{"email_verified", true}}));
        CHECK(emailVerified(json{{"email_verified", "true"}}));
        CHECK_FALSE(emailVerified(json{{"email_verified", false}}));
        CHECK_FALSE(emailVerified(json{{"email_verified", 1}}));
        CHECK_FALSE(emailVerified(json::object()));
    }

    TEST_CASE("admin from a boolean claim, a value in a list, or a nested path; nothing when not configured") {
        const json claims = {{"is_admin", true},
                             {"groups", {"family", "admins"}},
                             {"role", "admin"},
                             {"realm_access", {{"roles", {"obscura-admin"}}}}};
        CHECK(adminFromClaims(claims, "") == std::nullopt);
        CHECK(adminFromClaims(claims, "is_admin") == true);
        CHECK(adminFromClaims(claims, "groups=admins") == true);
        CHECK(adminFromClaims(claims, "groups=root") == false);
        CHECK(adminFromClaims(claims, "role=admin") == true);
        CHECK(adminFromClaims(claims, "realm_access.roles=obscura-admin") == true);
        CHECK(adminFromClaims(claims, "missing") == false);
        CHECK(adminFromClaims(json{{"is_admin", "yes"}}, "is_admin") == false);
    }

    TEST_CASE("a quota from a non-negative number or digits only") {
        CHECK(quotaFromClaims(json{{"q", 5000}}, "q") == 5000);
        CHECK(quotaFromClaims(json{{"q", "1000"}}, "q") == 1000);
        CHECK(quotaFromClaims(json{{"q", -1}}, "q") == std::nullopt);
        CHECK(quotaFromClaims(json{{"q", "10GB"}}, "q") == std::nullopt);
        CHECK(quotaFromClaims(json{{"q", 1.5}}, "q") == std::nullopt);
        CHECK(quotaFromClaims(json{{"q", 5}}, "") == std::nullopt);
    }

    TEST_CASE("usernames come from preferred_username or the e-mail, cleaned, with suffixes when taken") {
        CHECK(usernameFromClaims(json{{"preferred_username", "Alice Smith!"}}, 0) == "AliceSmith");
        CHECK(usernameFromClaims(json{{"email", "bob.jones@example.org"}}, 0) == "bob.jones");
        CHECK(usernameFromClaims(json{{"preferred_username", "é"}, {"email", "x@y.z"}}, 0) == "user");
        CHECK(usernameFromClaims(json{{"preferred_username", "carol"}}, 1) == "carol-2");
        const auto random = usernameFromClaims(json{{"preferred_username", "carol"}}, 7);
        CHECK(random.rfind("carol-", 0) == 0);
        CHECK(random.size() == 12);
    }
}
