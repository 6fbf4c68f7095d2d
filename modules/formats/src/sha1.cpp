#include "obscura/formats/sha1.hpp"

#include <openssl/evp.h>

namespace obscura::formats {

void Sha1::CtxDeleter::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

Expected<Sha1> Sha1::create() {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) return internalError("cannot allocate a SHA-1 context");
    Sha1 out(ctx);
    if (EVP_DigestInit_ex(ctx, EVP_sha1(), nullptr) != 1) return internalError("SHA-1 is not available from OpenSSL");
    return out;
}

void Sha1::update(std::string_view bytes) {
    if (!bytes.empty()) EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size());
}

Sha1Digest Sha1::finish() {
    Sha1Digest d{};
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), d.data(), &len);
    return d;
}

std::string toHex(const Sha1Digest& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(40);
    for (auto b : digest) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
    return out;
}

Expected<Sha1Digest> parseSha1Checksum(std::string_view text) {
    Sha1Digest out{};
    if (text.size() == 40) {
        auto nibble = [](char c) {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        for (std::size_t i = 0; i < 20; ++i) {
            int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
            if (hi < 0 || lo < 0) return badRequest("checksum is not 40 hex digits");
            out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
        }
        return out;
    }
    if (text.size() == 28 && text[27] == '=') {
        // 20 bytes in base64 are 27 significant characters and one '='; the last one carries 2 bits.
        auto value = [](char c) {
            if (c >= 'A' && c <= 'Z') return c - 'A';
            if (c >= 'a' && c <= 'z') return c - 'a' + 26;
            if (c >= '0' && c <= '9') return c - '0' + 52;
            if (c == '+' || c == '-') return 62;
            if (c == '/' || c == '_') return 63;
            return -1;
        };
        std::uint32_t acc = 0;
        int bits = 0;
        std::size_t n = 0;
        for (std::size_t i = 0; i < 27; ++i) {
            int v = value(text[i]);
            if (v < 0) return badRequest("checksum is not valid base64 of a SHA-1");
            acc = acc << 6 | static_cast<std::uint32_t>(v);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[n++] = static_cast<std::uint8_t>(acc >> bits);
                acc &= (1u << bits) - 1;
            }
        }
        if (n != 20 || acc != 0) return badRequest("checksum is not valid base64 of a SHA-1");
        return out;
    }
    return badRequest("checksum must be 40 hex digits or 28 base64 characters");
}

}  // namespace obscura::formats
