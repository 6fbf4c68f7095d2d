#include "mfa_crypto.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "secrets.hpp"

namespace obscura::auth {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

std::array<unsigned char, 32> hkdf(std::string_view secret, std::string_view info) {
    std::array<unsigned char, 32> key{};
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                    &EVP_PKEY_CTX_free);
    static constexpr unsigned char kSalt[] = "obscura auth";
    std::size_t length = key.size();
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 || EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
        EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), kSalt, sizeof kSalt - 1) <= 0 ||
        EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                                   static_cast<int>(secret.size())) <= 0 ||
        EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(info.data()),
                                    static_cast<int>(info.size())) <= 0 ||
        EVP_PKEY_derive(ctx.get(), key.data(), &length) <= 0) {
        // Only a broken OpenSSL gets here; the module's constructor turns it into a start error.
        throw std::runtime_error("auth: HKDF-SHA-256 is not available from OpenSSL");
    }
    return key;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

MfaCrypto::MfaCrypto(std::string_view serverSecret)
    : sealKey_(hkdf(serverSecret, "obscura mfa secret v1")), codeKey_(hkdf(serverSecret, "obscura recovery code v1")) {}

Expected<std::string> MfaCrypto::seal(std::string_view plaintext) const {
    std::string raw(static_cast<std::size_t>(kNonceBytes) + plaintext.size() + kTagBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (RAND_bytes(out, kNonceBytes) != 1) return internalError("no random bytes for a nonce");
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int n = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, sealKey_.data(), out) != 1 ||
        EVP_EncryptUpdate(ctx.get(), out + kNonceBytes, &n, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), out + kNonceBytes + n, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out + kNonceBytes + plaintext.size()) != 1) {
        return internalError("AES-256-GCM sealing failed");
    }
    return std::string(kPrefix) + encodeBase64Url(raw);
}

Expected<std::string> MfaCrypto::open(std::string_view sealed) const {
    auto unreadable = [] {
        return internalError("a stored two-factor secret cannot be opened (was auth.jwtSecret changed?)");
    };
    if (sealed.substr(0, kPrefix.size()) != kPrefix) return unreadable();
    auto raw = decodeBase64Url(sealed.substr(kPrefix.size()));
    if (!raw || raw->size() < static_cast<std::size_t>(kNonceBytes + kTagBytes)) return unreadable();
    const auto* in = reinterpret_cast<const unsigned char*>(raw->data());
    const int textBytes = static_cast<int>(raw->size()) - kNonceBytes - kTagBytes;
    std::string plain(static_cast<std::size_t>(textBytes), '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int n = 0;
    std::array<unsigned char, kTagBytes> tag{};
    std::copy(in + kNonceBytes + textBytes, in + raw->size(), tag.begin());
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, sealKey_.data(), in) != 1 ||
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n, in + kNonceBytes, textBytes) !=
            1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &n) != 1) {
        return unreadable();
    }
    return plain;
}

std::string MfaCrypto::codeHash(std::string_view userId, std::string_view code) const {
    const std::string message = std::string(userId) + ":" + std::string(code);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), codeKey_.data(), static_cast<int>(codeKey_.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < length; ++i) {
        hex += kHex[mac[i] >> 4];
        hex += kHex[mac[i] & 15];
    }
    return hex;
}

}  // namespace obscura::auth
