#include "request_authenticator.hpp"

#include <algorithm>
#include <cctype>

#include "browser_session.hpp"
#include "jwt_codec.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"

namespace obscura::auth {
namespace {

constexpr std::size_t kMaxApiKeyBytes = 256;

Error unauthenticated(std::string message) { return Error(ErrorCode::Unauthenticated, std::move(message)); }

bool startsWithIgnoringCase(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

Principal principalOf(const storage::UserRecord& user, Principal::Via via) {
    Principal p;
    p.userId = user.id;
    p.username = user.username;
    p.isAdmin = user.isAdmin;  // as stored now: a demotion takes effect on the next request
    p.via = via;
    return p;
}

}  // namespace

RequestAuthenticator::RequestAuthenticator(storage::Storage& storage, std::shared_ptr<const JwtCodec> jwt,
                                           std::string publicUrl, const Clock& clock)
    : storage_(storage), jwt_(std::move(jwt)), publicUrl_(std::move(publicUrl)), clock_(clock) {}

Expected<Principal> RequestAuthenticator::authenticate(const Request& request) {
    const auto authorization = request.headers.getAll("Authorization");
    if (authorization.size() > 1) return unauthenticated("more than one Authorization header");
    if (authorization.size() == 1) {
        const std::string_view value = trimmed(authorization.front());
        // "Bearer" with nothing after it (the trailing space of "Bearer " is trimmed away) is the right scheme
        // with the token missing, typically a client whose token variable was empty: say so.
        const bool bearer = startsWithIgnoringCase(value, "Bearer") && (value.size() == 6 || value[6] == ' ');
        if (!bearer) return unauthenticated("unsupported authorization scheme: use Bearer, x-api-key or sign in");
        const std::string_view token = trimmed(value.substr(6));
        if (token.empty()) return unauthenticated("the bearer token is missing: send Authorization: Bearer <token>");
        return fromAccessToken(token, Principal::Via::Bearer);
    }
    const auto apiKeys = request.headers.getAll("x-api-key");
    if (apiKeys.size() > 1) return unauthenticated("more than one x-api-key header");
    if (apiKeys.size() == 1) return fromApiKey(trimmed(apiKeys.front()));
    if (auto cookie = request.cookie(kAccessCookie); cookie && !cookie->empty()) {
        OBSCURA_TRY(principal, fromAccessToken(*cookie, Principal::Via::Cookie));
        OBSCURA_TRY_STATUS(checkSameOrigin(request, publicUrl_));
        return principal;
    }
    return unauthenticated("authentication required");
}

Expected<Principal> RequestAuthenticator::fromAccessToken(std::string_view token, Principal::Via via) {
    OBSCURA_TRY(claims, jwt_->decode(token, clock_.nowUs() / 1'000'000));
    std::optional<storage::UserRecord> user;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.auth().findUserById(claims.subject));
        user = std::move(found);
        return {};
    }));
    if (!user) return unauthenticated("the account of this token no longer exists");
    if (user->disabled) return unauthenticated("this account is disabled");
    if (user->tokenVersion != claims.tokenVersion) return unauthenticated("this session has ended; sign in again");
    return principalOf(*user, via);
}

Expected<Principal> RequestAuthenticator::fromApiKey(std::string_view secret) {
    if (secret.empty() || secret.size() > kMaxApiKeyBytes) return unauthenticated("invalid API key");
    const std::string hash = hashSecret(secret);
    std::optional<storage::ApiKeyWithOwner> found;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(f, repos.auth().findApiKeyByHash(hash));
        found = std::move(f);
        return {};
    }));
    if (!found || !equalInConstantTime(found->key.keyHash, hash)) return unauthenticated("invalid API key");
    if (found->owner.disabled) return unauthenticated("this account is disabled");
    Principal principal = principalOf(found->owner, Principal::Via::ApiKey);
    principal.apiKeyId = found->key.id;
    return principal;
}

}  // namespace obscura::auth
