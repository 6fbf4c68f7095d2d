#pragma once
// The signature of the server's own direct-upload URL (the local store cannot presign): PUT
// /api/uploads/direct/{uploadId}?expires=<unix s>&size=<bytes>&signature=<hex>. The signature is an HMAC-SHA-256
// over the upload id, the expiry and the size, under a key derived from the server's secret (auth.jwtSecret), so
// the URL grants exactly one upload, of one size, until it expires; changing any part of it makes it worthless.
// Verification compares in constant time.
#include <cstdint>
#include <string>
#include <string_view>

namespace obscura::images {

class DirectUploadSigner {
public:
    // serverSecret: auth.jwtSecret. The key is HMAC(serverSecret, a fixed label), never the secret itself, so a
    // signature here can never be a valid token signature elsewhere.
    explicit DirectUploadSigner(std::string_view serverSecret);

    // Lower-case hex.
    std::string sign(std::string_view uploadId, std::int64_t expiresAt, std::uint64_t sizeBytes) const;
    bool verify(std::string_view uploadId, std::int64_t expiresAt, std::uint64_t sizeBytes,
                std::string_view signature) const;

private:
    std::string key_;
};

}  // namespace obscura::images
