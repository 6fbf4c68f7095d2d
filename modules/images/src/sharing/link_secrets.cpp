#include "sharing/link_secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "assets/asset_cursor.hpp"

namespace obscura::images {

namespace {

std::string hex(const unsigned char* bytes, unsigned length) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned i = 0; i < length; ++i) {
        out.push_back(kDigits[bytes[i] >> 4]);
        out.push_back(kDigits[bytes[i] & 0xf]);
    }
    return out;
}

}  // namespace

std::string newLinkKey() {
    unsigned char bytes[20];
    // RAND_bytes failing means the system has no entropy source: no key is better than a guessable one.
    if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("the system CSPRNG failed");
    return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string linkKeyHash(std::string_view key) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_Digest(key.data(), key.size(), digest, &length, EVP_sha256(), nullptr);
    return hex(digest, length);
}

std::string unlockToken(std::string_view linkId, std::string_view passwordHash) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    HMAC(EVP_sha256(), passwordHash.data(), static_cast<int>(passwordHash.size()),
         reinterpret_cast<const unsigned char*>(linkId.data()), linkId.size(), mac, &length);
    return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

bool equalSecrets(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace obscura::images
