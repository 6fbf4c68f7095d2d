#include "oidc/oidc_client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "jwt_codec.hpp"
#include "obscura/kernel/log.hpp"
#include "oidc/http_fetch.hpp"
#include "secrets.hpp"

namespace obscura::auth {
namespace {

using nlohmann::json;

Error refused(std::string why) { return Error(ErrorCode::Unauthenticated, "OIDC sign-in refused: " + std::move(why)); }
Error broken(std::string why) { return Error(ErrorCode::Unavailable, "the OpenID provider " + std::move(why)); }

std::string withoutTrailingSlash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

std::string stringOf(const json& object, const char* name) {
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool listed(const json& object, const char* name, std::string_view value) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_array()) return false;
    return std::any_of(it->begin(), it->end(),
                       [&](const json& v) { return v.is_string() && v.get<std::string>() == value; });
}

// An OAuth error code is [a-z_]; anything else the provider says is not repeated to the browser.
std::string errorCodeOf(const std::string& body) {
    const json answer = json::parse(body, nullptr, false);
    std::string code = answer.is_object() ? stringOf(answer, "error") : "";
    if (code.empty() || code.size() > 64 ||
        !std::all_of(code.begin(), code.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; })) {
        return "unknown";
    }
    return code;
}

Expected<json> headerOf(const std::string& token) {
    const auto dot = token.find('.');
    if (dot == std::string::npos || dot == 0) return refused("the id_token is malformed");
    auto raw = decodeBase64Url(std::string_view(token).substr(0, dot));
    if (!raw) return refused("the id_token is malformed");
    json header = json::parse(*raw, nullptr, false);
    if (!header.is_object()) return refused("the id_token is malformed");
    return header;
}

bool audienceHas(const json& aud, const std::string& clientId) {
    if (aud.is_string()) return aud.get<std::string>() == clientId;
    if (!aud.is_array()) return false;
    return std::any_of(aud.begin(), aud.end(),
                       [&](const json& a) { return a.is_string() && a.get<std::string>() == clientId; });
}

}  // namespace

OidcClient::OidcClient(const OidcSettings& settings, const Clock& clock) : settings_(settings), clock_(clock) {}

Expected<ProviderMetadata> OidcClient::metadata() {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.nowUs();
    if (metadata_ && now - metadataAtUs_ < kCacheUs) return *metadata_;
    const std::string issuer = withoutTrailingSlash(settings_.issuer);
    auto fetched = HttpFetch::get(issuer + "/.well-known/openid-configuration");
    Expected<ProviderMetadata> parsed = [&]() -> Expected<ProviderMetadata> {
        OBSCURA_TRY(response, std::move(fetched));
        if (response.status != 200)
            return broken("answered " + std::to_string(response.status) + " for its discovery document");
        const json doc = json::parse(response.body, nullptr, false);
        if (!doc.is_object()) return broken("sent a discovery document that is not JSON");
        ProviderMetadata meta;
        meta.issuer = stringOf(doc, "issuer");
        meta.authorizationEndpoint = stringOf(doc, "authorization_endpoint");
        meta.tokenEndpoint = stringOf(doc, "token_endpoint");
        meta.userinfoEndpoint = stringOf(doc, "userinfo_endpoint");
        meta.jwksUri = stringOf(doc, "jwks_uri");
        // OpenID Connect Discovery section 4.3: the issuer inside must be the one we asked.
        if (withoutTrailingSlash(meta.issuer) != issuer) return broken("names another issuer (" + meta.issuer + ")");
        if (meta.authorizationEndpoint.empty() || meta.tokenEndpoint.empty() || meta.jwksUri.empty()) {
            return broken("discovery document lacks an authorization, token or jwks endpoint");
        }
        meta.secretInBody = listed(doc, "token_endpoint_auth_methods_supported", "client_secret_post") &&
                            !listed(doc, "token_endpoint_auth_methods_supported", "client_secret_basic");
        return meta;
    }();
    if (!parsed) {
        if (metadata_) {  // keep signing people in with what we knew
            log::warn("auth: OIDC discovery failed, using the cached document: " + parsed.error().message);
            return *metadata_;
        }
        return std::move(parsed).error();
    }
    metadata_ = std::move(*parsed);
    metadataAtUs_ = now;
    return *metadata_;
}

Expected<std::string> OidcClient::authorizationUrl(const std::string& state, const std::string& nonce,
                                                   const std::string& codeChallenge, const std::string& redirectUri) {
    OBSCURA_TRY(meta, metadata());
    std::string url = meta.authorizationEndpoint;
    url += meta.authorizationEndpoint.find('?') == std::string::npos ? '?' : '&';
    url += "response_type=code&client_id=" + urlEncode(settings_.clientId) + "&redirect_uri=" + urlEncode(redirectUri) +
           "&scope=" + urlEncode(settings_.scope) + "&state=" + urlEncode(state) + "&nonce=" + urlEncode(nonce) +
           "&code_challenge=" + urlEncode(codeChallenge) + "&code_challenge_method=S256";
    return url;
}

Expected<ProviderTokens> OidcClient::exchange(const std::string& code, const std::string& codeVerifier,
                                              const std::string& redirectUri) {
    OBSCURA_TRY(meta, metadata());
    FormFields form{{"grant_type", "authorization_code"},
                    {"code", code},
                    {"redirect_uri", redirectUri},
                    {"code_verifier", codeVerifier}};
    std::string user, password;
    if (settings_.clientSecret.empty()) {
        form.emplace_back("client_id", settings_.clientId);
    } else if (meta.secretInBody) {
        form.emplace_back("client_id", settings_.clientId);
        form.emplace_back("client_secret", settings_.clientSecret);
    } else {
        user = settings_.clientId;
        password = settings_.clientSecret;
    }
    OBSCURA_TRY(response, HttpFetch::postForm(meta.tokenEndpoint, form, user, password));
    if (response.status == 400 || response.status == 401) {
        return refused("the provider refused the code (" + errorCodeOf(response.body) + ")");
    }
    if (response.status != 200) return broken("answered " + std::to_string(response.status) + " at its token endpoint");
    const json answer = json::parse(response.body, nullptr, false);
    if (!answer.is_object()) return broken("sent a token response that is not JSON");
    ProviderTokens tokens{stringOf(answer, "id_token"), stringOf(answer, "access_token")};
    if (tokens.idToken.empty()) return refused("the provider sent no id_token (is \"openid\" in auth.oidc.scope?)");
    return tokens;
}

Status OidcClient::loadKeys(const ProviderMetadata& meta) {
    OBSCURA_TRY(response, HttpFetch::get(meta.jwksUri));
    if (response.status != 200) return broken("answered " + std::to_string(response.status) + " for its keys");
    OBSCURA_TRY(keys, parseJwks(response.body));
    keys_ = std::move(keys);
    keysAtUs_ = clock_.nowUs();
    keysLoaded_ = true;
    return {};
}

std::optional<VerificationKey> OidcClient::keyFor(const ProviderMetadata& meta, const std::string& kid,
                                                  const std::string& alg) {
    std::lock_guard lock(mutex_);
    const std::int64_t now = clock_.nowUs();
    auto find = [&]() -> std::optional<VerificationKey> {
        std::vector<const VerificationKey*> candidates;
        for (const auto& k : keys_) {
            if (k.alg == alg && (kid.empty() || k.kid == kid)) candidates.push_back(&k);
        }
        // Without a kid only an unambiguous key will do.
        if (candidates.empty() || (kid.empty() && candidates.size() != 1)) return std::nullopt;
        return *candidates.front();
    };
    if (!keysLoaded_ || now - keysAtUs_ >= kCacheUs) {
        if (auto loaded = loadKeys(meta); !loaded) log::warn("auth: " + loaded.error().message);
    }
    if (auto key = find()) return key;
    if (now - keysAtUs_ < kKeyRefetchUs) return std::nullopt;
    log::info("auth: the OpenID provider signed with an unknown key; fetching its keys again");
    if (auto loaded = loadKeys(meta); !loaded) log::warn("auth: " + loaded.error().message);
    return find();
}

Expected<json> OidcClient::verifyIdToken(const std::string& idToken, const std::string& nonce) {
    OBSCURA_TRY(meta, metadata());
    OBSCURA_TRY(header, headerOf(idToken));
    // The algorithm is pinned by the key, never chosen by the token: "none" and every HMAC are refused here.
    const std::string alg = stringOf(header, "alg");
    if (alg != "RS256" && alg != "ES256") return refused("the id_token's algorithm is not accepted");
    if (header.contains("crit")) return refused("the id_token has critical header extensions");
    const auto key = keyFor(meta, stringOf(header, "kid"), alg);
    if (!key) return refused("the id_token is signed with a key the provider does not publish");
    auto verified = verifyWithPublicKey(idToken, key->alg, key->pem);
    if (!verified) return refused("the id_token's signature is not valid");
    json claims = json::parse(*verified, nullptr, false);
    if (!claims.is_object()) return refused("the id_token's claims are malformed");

    const std::int64_t now = clock_.nowUs() / 1'000'000;
    if (stringOf(claims, "iss") != meta.issuer) return refused("the id_token comes from another issuer");
    const auto aud = claims.find("aud");
    if (aud == claims.end() || !audienceHas(*aud, settings_.clientId))
        return refused("the id_token is for another client");
    if (claims.contains("azp") && stringOf(claims, "azp") != settings_.clientId) {
        return refused("the id_token was issued to another client");
    }
    const auto exp = claims.find("exp");
    if (exp == claims.end() || !exp->is_number_integer()) return refused("the id_token has no expiry");
    if (now >= exp->get<std::int64_t>() + kLeewaySeconds) return refused("the id_token has expired");
    const auto iat = claims.find("iat");
    if (iat == claims.end() || !iat->is_number_integer() || iat->get<std::int64_t>() > now + kLeewaySeconds) {
        return refused("the id_token's issue time is missing or in the future");
    }
    if (nonce.empty() || !equalInConstantTime(stringOf(claims, "nonce"), nonce)) {
        return refused("the id_token's nonce is not this sign-in's");
    }
    if (stringOf(claims, "sub").empty()) return refused("the id_token names no subject");
    return claims;
}

Expected<json> OidcClient::userinfo(const std::string& accessToken) {
    OBSCURA_TRY(meta, metadata());
    if (meta.userinfoEndpoint.empty() || accessToken.empty()) return json::object();
    OBSCURA_TRY(response, HttpFetch::get(meta.userinfoEndpoint, accessToken));
    if (response.status != 200)
        return broken("answered " + std::to_string(response.status) + " at its userinfo endpoint");
    json claims = json::parse(response.body, nullptr, false);
    if (!claims.is_object()) return broken("sent userinfo that is not a JSON object");
    return claims;
}

}  // namespace obscura::auth
