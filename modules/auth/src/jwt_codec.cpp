#include "jwt_codec.hpp"

#include <jwt.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>

#include "secrets.hpp"
#include "verified_tokens.hpp"

namespace obscura::auth {
namespace {

// Tokens live 15 minutes by default; this covers thousands of signed-in clients in ~2 MB.
constexpr std::size_t kVerifiedTokensKept = 8192;
// An id_token carries a few claims; providers that stuff group lists into it stay far below this.
constexpr std::size_t kMaxIdTokenBytes = 64 * 1024;

using nlohmann::json;

struct JwtDeleter {
    void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct CharDeleter {
    void operator()(char* p) const { std::free(p); }
};
using CharPtr = std::unique_ptr<char, CharDeleter>;

Error rejected(std::string why) { return Error(ErrorCode::Unauthenticated, "invalid access token: " + std::move(why)); }

bool isBase64UrlChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Only the header is looked at before the signature is known good, and only to refuse every algorithm
// but HS256, spelled exactly so (libjwt compares names case-insensitively and follows the header's choice).
Status checkHeader(std::string_view encodedHeader) {
    auto raw = decodeBase64Url(encodedHeader);
    if (!raw) return rejected("malformed header");
    const json header = json::parse(*raw, nullptr, false);
    if (!header.is_object()) return rejected("malformed header");
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
        return rejected("algorithm not accepted");
    }
    if (const auto typ = header.find("typ"); typ != header.end()) {
        if (!typ->is_string()) return rejected("malformed header");
        std::string t = typ->get<std::string>();
        std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
        if (t != "jwt") return rejected("not a JWT");
    }
    // A critical extension we do not understand must not be ignored (RFC 7515 section 4.1.11).
    if (header.contains("crit")) return rejected("critical header extensions are not supported");
    return {};
}

Expected<json> verifiedPayload(const std::string& token, const std::string& secret) {
    jwt_t* decoded = nullptr;
    const int rc = jwt_decode(&decoded, token.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                              static_cast<int>(secret.size()));
    JwtPtr owner(decoded);
    if (rc != 0 || !decoded) return rejected("bad signature or format");
    if (jwt_get_alg(decoded) != JWT_ALG_HS256) return rejected("algorithm not accepted");
    CharPtr grants(jwt_get_grants_json(decoded, nullptr));
    if (!grants) return rejected("no claims");
    json payload = json::parse(grants.get(), nullptr, false);
    if (!payload.is_object()) return rejected("malformed claims");
    return payload;
}

const json* member(const json& object, const char* name) {
    const auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

bool audienceMatches(const json& aud) {
    if (aud.is_string()) return aud.get<std::string>() == JwtCodec::kAudience;
    if (!aud.is_array()) return false;
    return std::any_of(aud.begin(), aud.end(),
                       [](const json& a) { return a.is_string() && a.get<std::string>() == JwtCodec::kAudience; });
}

}  // namespace

Expected<std::string> JwtCodec::encode(const AccessClaims& claims) const {
    jwt_t* created = nullptr;
    if (jwt_new(&created) != 0) return internalError("libjwt: out of memory");
    JwtPtr jwt(created);
    const std::string issuer(kIssuer), audience(kAudience), type(kTokenType);
    int rc = jwt_add_grant(jwt.get(), "sub", claims.subject.c_str());
    rc |= jwt_add_grant(jwt.get(), "iss", issuer.c_str());
    rc |= jwt_add_grant(jwt.get(), "aud", audience.c_str());
    rc |= jwt_add_grant(jwt.get(), "type", type.c_str());
    rc |= jwt_add_grant(jwt.get(), "jti", claims.jwtId.c_str());
    rc |= jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(claims.issuedAt));
    if (claims.notBefore != 0) rc |= jwt_add_grant_int(jwt.get(), "nbf", static_cast<long>(claims.notBefore));
    rc |= jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(claims.expiresAt));
    rc |= jwt_add_grant_int(jwt.get(), "ver", static_cast<long>(claims.tokenVersion));
    rc |= jwt_add_grant_bool(jwt.get(), "admin", claims.admin ? 1 : 0);
    rc |= jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret_.data()),
                      static_cast<int>(secret_.size()));
    if (rc != 0) return internalError("libjwt refused the access token's claims");
    CharPtr text(jwt_encode_str(jwt.get()));
    if (!text) return internalError("libjwt could not sign the access token");
    return std::string(text.get());
}

JwtCodec::JwtCodec(std::string secret)
    : secret_(std::move(secret)), verified_(std::make_shared<VerifiedTokens>(kVerifiedTokensKept)) {}

Expected<AccessClaims> JwtCodec::decode(std::string_view token, std::int64_t now) const {
    if (token.empty() || token.size() > kMaxTokenBytes) return rejected("malformed");
    const auto digest = VerifiedTokens::digest(token);
    auto known = verified_->find(digest);
    if (!known) {
        OBSCURA_TRY(claims, verify(token));
        verified_->store(digest, claims);
        known = std::move(claims);
    }
    const std::int64_t leeway = kLeeway.count();
    if (now >= known->expiresAt + leeway) return rejected("expired");
    if (known->issuedAt > now + leeway || known->notBefore > now + leeway) return rejected("not yet valid");
    return std::move(*known);
}

// Everything but the time checks: format, header, signature, type, issuer, audience, claims present and typed.
Expected<AccessClaims> JwtCodec::verify(std::string_view token) const {
    if (std::count(token.begin(), token.end(), '.') != 2) return rejected("malformed");
    if (!std::all_of(token.begin(), token.end(), [](char c) { return c == '.' || isBase64UrlChar(c); })) {
        return rejected("malformed");
    }
    const auto firstDot = token.find('.');
    const auto secondDot = token.find('.', firstDot + 1);
    if (firstDot == 0 || secondDot == firstDot + 1 || secondDot + 1 == token.size()) {
        return rejected("malformed");  // an empty signature is how alg "none" tokens look
    }
    OBSCURA_TRY_STATUS(checkHeader(token.substr(0, firstDot)));
    OBSCURA_TRY(payload, verifiedPayload(std::string(token), secret_));

    const json* type = member(payload, "type");
    if (!type || !type->is_string() || type->get<std::string>() != kTokenType) return rejected("not an access token");
    const json* iss = member(payload, "iss");
    if (!iss || !iss->is_string() || iss->get<std::string>() != kIssuer) return rejected("wrong issuer");
    const json* aud = member(payload, "aud");
    if (!aud || !audienceMatches(*aud)) return rejected("wrong audience");

    const json* sub = member(payload, "sub");
    const json* iat = member(payload, "iat");
    const json* exp = member(payload, "exp");
    const json* jti = member(payload, "jti");
    const json* ver = member(payload, "ver");
    const json* admin = member(payload, "admin");
    const json* nbf = member(payload, "nbf");
    if (!sub || !sub->is_string() || sub->get<std::string>().empty() || !iat || !iat->is_number_integer() || !exp ||
        !exp->is_number_integer() || !jti || !jti->is_string() || !ver || !ver->is_number_integer() ||
        (admin && !admin->is_boolean()) || (nbf && !nbf->is_number_integer())) {
        return rejected("missing or malformed claims");
    }
    AccessClaims claims;
    claims.subject = sub->get<std::string>();
    claims.issuedAt = iat->get<std::int64_t>();
    claims.expiresAt = exp->get<std::int64_t>();
    claims.notBefore = nbf ? nbf->get<std::int64_t>() : 0;
    claims.jwtId = jti->get<std::string>();
    claims.tokenVersion = ver->get<std::int64_t>();
    claims.admin = admin && admin->get<bool>();
    return claims;
}

Expected<std::string> verifyWithPublicKey(std::string_view token, std::string_view alg, const std::string& pem) {
    const jwt_alg_t expected = alg == "RS256" ? JWT_ALG_RS256 : alg == "ES256" ? JWT_ALG_ES256 : JWT_ALG_INVAL;
    if (expected == JWT_ALG_INVAL) return Error(ErrorCode::Unauthenticated, "id_token: algorithm not accepted");
    if (token.size() > kMaxIdTokenBytes || std::count(token.begin(), token.end(), '.') != 2 || token.back() == '.') {
        return Error(ErrorCode::Unauthenticated, "id_token: malformed");
    }
    jwt_t* decoded = nullptr;
    const std::string text(token);
    const int rc = jwt_decode(&decoded, text.c_str(), reinterpret_cast<const unsigned char*>(pem.data()),
                              static_cast<int>(pem.size()));
    JwtPtr owner(decoded);
    if (rc != 0 || !decoded) return Error(ErrorCode::Unauthenticated, "id_token: bad signature or format");
    if (jwt_get_alg(decoded) != expected) return Error(ErrorCode::Unauthenticated, "id_token: algorithm not accepted");
    CharPtr grants(jwt_get_grants_json(decoded, nullptr));
    if (!grants) return Error(ErrorCode::Unauthenticated, "id_token: no claims");
    return std::string(grants.get());
}

}  // namespace obscura::auth
