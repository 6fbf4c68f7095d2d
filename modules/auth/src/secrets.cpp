#include "secrets.hpp"

#include <sodium.h>

#include <vector>

namespace obscura::auth {

Status initSodium() {
    // sodium_init is itself thread-safe and returns 1 when already initialised.
    if (sodium_init() < 0) return internalError("libsodium could not be initialised");
    return {};
}

std::string randomBytes(std::size_t bytes) {
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    return raw;
}

std::string encodeBase64Url(std::string_view bytes) {
    std::string text(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    text.resize(text.find('\0'));
    return text;
}

std::string randomSecret(std::size_t bytes) {
    std::string raw = randomBytes(bytes);
    std::string text = encodeBase64Url(raw);
    sodium_memzero(raw.data(), raw.size());
    return text;
}

std::string hashSecret(std::string_view secret) {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                       nullptr, 0);
    char hex[crypto_generichash_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string(hex, crypto_generichash_BYTES * 2);
}

bool equalInConstantTime(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

std::string encode(std::string_view bytes, int variant) {
    std::string text(sodium_base64_encoded_len(bytes.size(), variant), '\0');
    sodium_bin2base64(text.data(), text.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                      variant);
    text.resize(text.find('\0'));
    return text;
}

Expected<std::string> decode(std::string_view text, int variant) {
    std::string out(text.size() * 3 / 4 + 3, '\0');
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                          &length, &end, variant) != 0 ||
        end != text.data() + text.size()) {
        return badRequest("not valid base64");
    }
    out.resize(length);
    return out;
}

}  // namespace

std::string sha256(std::string_view bytes) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string encodeBase64(std::string_view bytes) { return encode(bytes, sodium_base64_VARIANT_ORIGINAL); }

Expected<std::string> decodeBase64Url(std::string_view text) {
    return decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Expected<std::string> decodeBase64(std::string_view text) { return decode(text, sodium_base64_VARIANT_ORIGINAL); }

}  // namespace obscura::auth
