#include "oidc/oidc_service.hpp"

#include <nlohmann/json.hpp>

#include "account_rules.hpp"
#include "account_service.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"
#include "oidc/oidc_claims.hpp"
#include "oidc/oidc_client.hpp"
#include "secrets.hpp"

namespace obscura::auth {
namespace {

using nlohmann::json;

constexpr std::int64_t kPurgeIntervalUs = 600LL * 1'000'000;
constexpr int kUsernameAttempts = 8;

std::string stringClaim(const json& claims, const char* name) {
    const auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Error notLinked() {
    return Error(ErrorCode::Forbidden,
                 "no account here is linked to this provider account; an admin can enable auth.oidc.autoRegister",
                 "oidc_not_linked");
}

}  // namespace

OidcService::OidcService(storage::Storage& storage, OidcClient& client, AccountService& accounts,
                         SessionService& sessions, const AuthSettings& settings, const Clock& clock)
    : storage_(storage),
      client_(client),
      accounts_(accounts),
      sessions_(sessions),
      settings_(settings),
      clock_(clock) {}

Expected<OidcStart> OidcService::begin(const std::string& redirectUri) {
    purgeExpired();
    OidcStart start;
    start.state = randomSecret();
    const std::string nonce = randomSecret();
    const std::string verifier = randomSecret();  // 43 characters: RFC 7636 wants 43-128
    OBSCURA_TRY(url, client_.authorizationUrl(start.state, nonce, encodeBase64Url(sha256(verifier)), redirectUri));
    const storage::OidcLoginRecord pending{hashSecret(start.state), nonce, verifier, clock_.nowUs() + kPendingUs};
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) { return repos.oidc().createLogin(pending); }));
    start.providerUrl = std::move(url);
    return start;
}

Expected<IssuedSession> OidcService::finish(const OidcCallback& callback, const std::string& redirectUri) {
    if (callback.error) {
        return Error(ErrorCode::Unauthenticated, "the OpenID provider did not sign you in", "oidc_refused");
    }
    if (!callback.state || callback.state->empty()) return badRequest("the callback has no state");
    if (!callback.cookieState || !equalInConstantTime(*callback.cookieState, *callback.state)) {
        return badRequest("the state is not the one this browser's sign-in started with");
    }
    std::optional<storage::OidcLoginRecord> pending;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(taken, repos.oidc().takeLogin(hashSecret(*callback.state), clock_.nowUs()));
        pending = std::move(taken);
        return {};
    }));
    if (!pending) return badRequest("the sign-in is unknown, expired or already used; start it again");
    if (!callback.code || callback.code->empty()) return badRequest("the callback has no code");
    if (callback.issuer) {  // RFC 9207: a response from another provider (mix-up) is not exchanged anywhere
        OBSCURA_TRY(meta, client_.metadata());
        if (*callback.issuer != meta.issuer) return badRequest("the callback comes from another issuer");
    }

    OBSCURA_TRY(tokens, client_.exchange(*callback.code, pending->codeVerifier, redirectUri));
    auto verified = client_.verifyIdToken(tokens.idToken, pending->nonce);
    if (!verified) {  // the operator's clue when a provider is misconfigured (or someone tampers)
        log::warn("auth: " + verified.error().message);
        return std::move(verified).error();
    }
    auto claims = std::move(*verified);
    OBSCURA_TRY(info, client_.userinfo(tokens.accessToken));
    if (!info.empty()) {
        // OpenID Connect Core 5.3.2: userinfo about another subject must not be used.
        if (stringClaim(info, "sub") != stringClaim(claims, "sub")) {
            return Error(ErrorCode::Unauthenticated, "OIDC sign-in refused: userinfo names another subject");
        }
        for (auto& [name, value] : info.items()) {
            if (!claims.contains(name)) claims[name] = value;
        }
    }
    OBSCURA_TRY(user, findOrCreateUser(claims));
    if (user.disabled) return Error(ErrorCode::Forbidden, "this account is disabled", "account_disabled");
    OBSCURA_TRY(current, applyClaims(std::move(user), claims));
    return sessions_.signInAs(std::move(current));
}

Expected<storage::UserRecord> OidcService::findOrCreateUser(const json& claims) {
    const std::string issuer = stringClaim(claims, "iss");
    const std::string subject = stringClaim(claims, "sub");
    std::optional<std::string> linked;
    std::vector<storage::UserRecord> byEmail;
    const std::string email = stringClaim(claims, "email");
    const bool mayLinkByEmail = settings_.oidc.linkByEmail && !email.empty() && emailVerified(claims);
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.oidc().findIdentity(issuer, subject));
        linked = std::move(found);
        if (!linked && mayLinkByEmail) {
            OBSCURA_TRY(users, repos.oidc().findUsersByEmail(email));
            byEmail = std::move(users);
        }
        return {};
    }));
    if (linked) return accounts_.find(*linked);
    if (byEmail.size() == 1) {
        OBSCURA_TRY_STATUS(link(issuer, subject, byEmail.front().id));
        log::info("auth: OIDC account linked by verified e-mail to user " + byEmail.front().id);
        return byEmail.front();
    }
    if (byEmail.size() > 1) log::warn("auth: OIDC e-mail is shared by several accounts; not linking by e-mail");
    if (!settings_.oidc.autoRegister) return notLinked();
    OBSCURA_TRY(created, registerFrom(claims));
    OBSCURA_TRY_STATUS(link(issuer, subject, created.id));
    return created;
}

Expected<storage::UserRecord> OidcService::registerFrom(const json& claims) {
    NewUser user;
    // An account made here has a random password nobody knows: it signs in through the provider (or after a
    // password reset).
    user.password = randomSecret();
    const std::string email = stringClaim(claims, "email");
    if (emailVerified(claims) && checkEmail(email)) user.email = email;
    const std::string name = stringClaim(claims, "name");
    if (checkDisplayName(name)) user.displayName = name;
    user.isAdmin = adminFromClaims(claims, settings_.oidc.adminClaim).value_or(false);
    user.quotaBytes = quotaFromClaims(claims, settings_.oidc.quotaClaim);
    for (int attempt = 0; attempt < kUsernameAttempts; ++attempt) {
        user.username = usernameFromClaims(claims, attempt);
        auto created = accounts_.createUser(user);
        if (created || created.error().code != ErrorCode::Conflict) return created;
    }
    return conflict("no free username could be made for this provider account");
}

Expected<storage::UserRecord> OidcService::applyClaims(storage::UserRecord user, const json& claims) {
    AdminChanges changes;
    bool any = false;
    if (auto admin = adminFromClaims(claims, settings_.oidc.adminClaim); admin && *admin != user.isAdmin) {
        changes.isAdmin = *admin;
        any = true;
    }
    if (auto quota = quotaFromClaims(claims, settings_.oidc.quotaClaim); quota && user.quotaBytes != quota) {
        changes.quotaBytes = std::optional<std::int64_t>(*quota);
        any = true;
    }
    if (!any) return user;
    auto updated = accounts_.adminUpdate(user.id, changes);
    if (updated) return updated;
    if (updated.error().code != ErrorCode::Conflict) return std::move(updated).error();
    // The last admin keeps the rights the provider took away, rather than leaving the server without one.
    log::warn("auth: OIDC claims would remove the last admin; user " + user.id + " stays admin");
    changes.isAdmin.reset();
    if (!changes.quotaBytes) return user;
    return accounts_.adminUpdate(user.id, changes);
}

Status OidcService::link(const std::string& issuer, const std::string& subject, const std::string& userId) {
    const storage::OidcIdentityRecord identity{issuer, subject, userId, formatRfc3339(clock_.nowUs())};
    return storage_.run([&](storage::Repositories& repos) { return repos.oidc().linkIdentity(identity); });
}

void OidcService::purgeExpired() {
    const std::int64_t now = clock_.nowUs();
    std::int64_t due = nextPurgeUs_.load();
    if (now < due || !nextPurgeUs_.compare_exchange_strong(due, now + kPurgeIntervalUs)) return;
    auto purged = storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(n, repos.oidc().purgeLogins(now));
        (void)n;
        return {};
    });
    if (!purged) log::warn("auth: could not purge expired OIDC sign-ins: " + purged.error().message);
}

}  // namespace obscura::auth
