#include "direct/direct_upload_signer.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sharing/link_secrets.hpp"

namespace obscura::images {

namespace {

std::string hmacSha256(std::string_view key, std::string_view data) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), mac, &length);
    return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

}  // namespace

DirectUploadSigner::DirectUploadSigner(std::string_view serverSecret)
    : key_(hmacSha256(serverSecret, "obscura direct upload url v1")) {}

std::string DirectUploadSigner::sign(std::string_view uploadId, std::int64_t expiresAt, std::uint64_t sizeBytes) const {
    // Newline-separated: an id never holds one (a UUID), so no two different triples sign the same text.
    const std::string text =
        std::string(uploadId) + "\n" + std::to_string(expiresAt) + "\n" + std::to_string(sizeBytes);
    return hex(hmacSha256(key_, text));
}

bool DirectUploadSigner::verify(std::string_view uploadId, std::int64_t expiresAt, std::uint64_t sizeBytes,
                                std::string_view signature) const {
    return equalSecrets(sign(uploadId, expiresAt, sizeBytes), signature);
}

}  // namespace obscura::images
