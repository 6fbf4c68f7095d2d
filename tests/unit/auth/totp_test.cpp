// TOTP against RFC 6238's SHA-1 test vectors (Appendix B, the last six of each eight digits), base32 both ways,
// the otpauth URL, code parsing, and sealing a secret under a key from the server secret.
#include "totp.hpp"

#include <doctest/doctest.h>

#include "mfa_crypto.hpp"
#include "mfa_service.hpp"

using namespace obscura;
using namespace obscura::auth;

TEST_SUITE("auth.totp") {
    TEST_CASE("codes match RFC 6238's SHA-1 test vectors") {
        const std::string secret = "12345678901234567890";
        CHECK(totpCode(secret, totpStep(59)) == "287082");
        CHECK(totpCode(secret, totpStep(1111111109)) == "081804");
        CHECK(totpCode(secret, totpStep(1111111111)) == "050471");
        CHECK(totpCode(secret, totpStep(1234567890)) == "005924");
        CHECK(totpCode(secret, totpStep(2000000000)) == "279037");
        CHECK(totpCode(secret, totpStep(20000000000)) == "353130");
    }

    TEST_CASE("base32 round-trips, accepts lower case and spaces, and refuses other characters") {
        CHECK(base32Encode("12345678901234567890") == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        CHECK(base32Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq") ==
              std::optional<std::string>("12345678901234567890"));
        CHECK_FALSE(base32Decode("GEZ1").has_value());
        CHECK(base32Encode("") == "");
    }

    TEST_CASE("the otpauth URL percent-encodes the account name") {
        CHECK(otpauthUrl("Obscura", "a b", "ABC") ==
              "otpauth://totp/Obscura:a%20b?secret=ABC&issuer=Obscura&algorithm=SHA1&digits=6&period=30");
    }

    TEST_CASE("codes and recovery codes are parsed strictly") {
        CHECK(parseTotpCode(" 123 456 ", "code").valueOr("") == "123456");
        CHECK(parseTotpCode("12345", "code").error().code == ErrorCode::Invalid);
        CHECK(parseTotpCode("1234567", "code").error().code == ErrorCode::Invalid);
        CHECK(parseTotpCode("12345x", "code").error().code == ErrorCode::Invalid);
        CHECK(parseRecoveryCode("ABCD-EFGH-2345").valueOr("") == "abcdefgh2345");
        CHECK(parseRecoveryCode("abcd efgh 2345").valueOr("") == "abcdefgh2345");
        CHECK(parseRecoveryCode("abcd-efgh-2341").error().code == ErrorCode::Invalid);  // 1 is not base32
        CHECK(parseRecoveryCode("abcd-efgh").error().code == ErrorCode::Invalid);
    }

    TEST_CASE("a sealed secret opens with the same server secret only, and tampering is detected") {
        const MfaCrypto crypto("a server secret of at least thirty-two characters");
        const MfaCrypto other("another server secret of at least thirty-two chars");
        auto sealed = crypto.seal("raw secret bytes");
        REQUIRE(sealed.ok());
        CHECK(sealed->rfind("v1.", 0) == 0);
        CHECK(crypto.seal("raw secret bytes").valueOr("") != *sealed);  // a fresh nonce each time
        CHECK(crypto.open(*sealed).valueOr("") == "raw secret bytes");
        CHECK_FALSE(other.open(*sealed).ok());
        std::string tampered = *sealed;
        tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
        CHECK_FALSE(crypto.open(tampered).ok());
        CHECK_FALSE(crypto.open("plain").ok());
        CHECK(crypto.codeHash("u1", "abc") != crypto.codeHash("u2", "abc"));
        CHECK(crypto.codeHash("u1", "abc") != other.codeHash("u1", "abc"));
        CHECK(crypto.codeHash("u1", "abc").size() == 64);
    }
}
