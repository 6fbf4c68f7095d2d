// JWK → DER SubjectPublicKeyInfo → PEM, written out by hand: two fixed ASN.1 shapes (RFC 3279 / RFC 5480) are
// less code and fewer moving parts than reaching into OpenSSL's key-building API for them.
#include "oidc/jwk_keys.hpp"

#include <nlohmann/json.hpp>

#include "secrets.hpp"

namespace obscura::auth {
namespace {

using nlohmann::json;

constexpr std::size_t kMinRsaModulusBytes = 256;  // 2048 bits

std::string derLength(std::size_t n) {
    if (n < 0x80) return std::string(1, static_cast<char>(n));
    std::string bytes;
    for (; n > 0; n >>= 8) bytes.insert(bytes.begin(), static_cast<char>(n & 0xff));
    return std::string(1, static_cast<char>(0x80 | bytes.size())) + bytes;
}

std::string der(unsigned char tag, const std::string& content) {
    std::string out(1, static_cast<char>(tag));
    out.append(derLength(content.size()));
    out.append(content);
    return out;
}

// A positive INTEGER: leading zero bytes dropped, one added back when the high bit is set.
std::string derUnsigned(std::string bytes) {
    while (bytes.size() > 1 && bytes.front() == '\0') bytes.erase(bytes.begin());
    if (!bytes.empty() && (static_cast<unsigned char>(bytes.front()) & 0x80)) bytes.insert(bytes.begin(), '\0');
    return der(0x02, bytes);
}

std::string bitString(const std::string& bytes) {
    std::string content(1, '\0');  // no unused bits
    content.append(bytes);
    return der(0x03, content);
}

// OIDs, already DER-encoded with their tag.
const std::string kRsaEncryption("\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x01\x01", 11);
const std::string kNull("\x05\x00", 2);
const std::string kEcPublicKey("\x06\x07\x2a\x86\x48\xce\x3d\x02\x01", 9);
const std::string kPrime256v1("\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07", 10);

std::string pem(const std::string& derBytes) {
    const std::string body = encodeBase64(derBytes);
    std::string out = "-----BEGIN PUBLIC KEY-----\n";
    for (std::size_t i = 0; i < body.size(); i += 64) out += body.substr(i, 64) + "\n";
    return out + "-----END PUBLIC KEY-----\n";
}

std::optional<std::string> member(const json& key, const char* name) {
    const auto it = key.find(name);
    if (it == key.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::optional<std::string> bytesOf(const json& key, const char* name) {
    auto text = member(key, name);
    if (!text || text->empty()) return std::nullopt;
    auto decoded = decodeBase64Url(*text);
    if (!decoded) return std::nullopt;
    return std::move(*decoded);
}

std::optional<VerificationKey> rsaKey(const json& key) {
    auto n = bytesOf(key, "n");
    auto e = bytesOf(key, "e");
    if (!n || !e) return std::nullopt;
    std::string modulus = *n;
    while (!modulus.empty() && modulus.front() == '\0') modulus.erase(modulus.begin());
    if (modulus.size() < kMinRsaModulusBytes) return std::nullopt;
    const std::string rsaPublicKey = der(0x30, derUnsigned(*n) + derUnsigned(*e));
    const std::string spki = der(0x30, der(0x30, kRsaEncryption + kNull) + bitString(rsaPublicKey));
    return VerificationKey{member(key, "kid").value_or(""), "RS256", pem(spki)};
}

std::optional<VerificationKey> ecKey(const json& key) {
    if (member(key, "crv") != std::optional<std::string>("P-256")) return std::nullopt;
    auto x = bytesOf(key, "x");
    auto y = bytesOf(key, "y");
    if (!x || !y || x->size() != 32 || y->size() != 32) return std::nullopt;
    std::string point(1, '\x04');  // uncompressed
    point.append(*x);
    point.append(*y);
    const std::string spki = der(0x30, der(0x30, kEcPublicKey + kPrime256v1) + bitString(point));
    return VerificationKey{member(key, "kid").value_or(""), "ES256", pem(spki)};
}

}  // namespace

Expected<std::vector<VerificationKey>> parseJwks(std::string_view document) {
    const json jwks = json::parse(document, nullptr, false);
    if (!jwks.is_object() || !jwks.contains("keys") || !jwks["keys"].is_array()) {
        return Error(ErrorCode::Unavailable, "the OpenID provider's JWKS is not a key set");
    }
    std::vector<VerificationKey> keys;
    for (const auto& key : jwks["keys"]) {
        if (!key.is_object()) continue;
        if (auto use = member(key, "use"); use && *use != "sig") continue;
        const auto kty = member(key, "kty");
        std::optional<VerificationKey> usable;
        if (kty == std::optional<std::string>("RSA")) usable = rsaKey(key);
        if (kty == std::optional<std::string>("EC")) usable = ecKey(key);
        if (!usable) continue;
        if (auto alg = member(key, "alg"); alg && *alg != usable->alg) continue;
        keys.push_back(std::move(*usable));
    }
    return keys;
}

}  // namespace obscura::auth
