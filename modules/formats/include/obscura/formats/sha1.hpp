#pragma once
// Incremental SHA-1 (OpenSSL EVP) for upload checksums. SHA-1 because Immich's API speaks it: clients
// compare it for de-duplication (bulk-upload-check); it is an identity for one user's files, not a security
// boundary.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

struct evp_md_ctx_st;

namespace obscura::formats {

using Sha1Digest = std::array<std::uint8_t, 20>;

class Sha1 {
public:
    static Expected<Sha1> create();
    void update(std::string_view bytes);
    // The digest of everything given to update(); the object may not be updated afterwards.
    Sha1Digest finish();

private:
    struct CtxDeleter {
        void operator()(evp_md_ctx_st* ctx) const;
    };
    explicit Sha1(evp_md_ctx_st* ctx) : ctx_(ctx) {}
    std::unique_ptr<evp_md_ctx_st, CtxDeleter> ctx_;
};

std::string toHex(const Sha1Digest& digest);
// A checksum as clients send it: 40 hex digits (any case) or 28 characters of base64 (Immich's CLI).
Expected<Sha1Digest> parseSha1Checksum(std::string_view text);

}  // namespace obscura::formats
