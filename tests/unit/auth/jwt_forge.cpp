#include "jwt_forge.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <nlohmann/json.hpp>

namespace obscura::test {

std::string base64Url(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::size_t i = 0;
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (bytes.size() - i == 1) {
        const unsigned v = byte(i) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (bytes.size() - i == 2) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

std::string forgeJwt(const std::string& headerJson, const std::string& payloadJson, const std::string& secret,
                     Signature signature) {
    const std::string signingInput = base64Url(headerJson) + "." + base64Url(payloadJson);
    const EVP_MD* md = nullptr;
    switch (signature) {
        case Signature::HS256:
            md = EVP_sha256();
            break;
        case Signature::HS384:
            md = EVP_sha384();
            break;
        case Signature::HS512:
            md = EVP_sha512();
            break;
        case Signature::Empty:
            return signingInput + ".";
        case Signature::Garbage:
            return signingInput + "." + base64Url(std::string(64, '\x5a'));
    }
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(md, secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size(), mac, &length);
    return signingInput + "." + base64Url(std::string_view(reinterpret_cast<const char*>(mac), length));
}

namespace {
nlohmann::json validClaims(const std::string& userId, std::int64_t now, std::int64_t tokenVersion) {
    return {{"sub", userId},    {"iat", now},        {"exp", now + 900},    {"iss", "obscura"}, {"aud", "obscura-api"},
            {"type", "access"}, {"jti", "test-jti"}, {"ver", tokenVersion}, {"admin", false}};
}
}  // namespace

std::string validClaimsJson(const std::string& userId, std::int64_t now, std::int64_t tokenVersion) {
    return validClaims(userId, now, tokenVersion).dump();
}

std::string claimsWith(const std::string& userId, std::int64_t now, const std::string& claim,
                       const std::string& valueJson) {
    auto claims = validClaims(userId, now, 0);
    if (valueJson.empty()) {
        claims.erase(claim);
    } else {
        claims[claim] = nlohmann::json::parse(valueJson);
    }
    return claims.dump();
}

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace obscura::test
