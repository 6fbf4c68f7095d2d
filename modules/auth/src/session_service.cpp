#include "session_service.hpp"

#include "credential_checker.hpp"
#include "jwt_codec.hpp"
#include "login_throttle.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"

namespace obscura::auth {
namespace {

constexpr std::int64_t kHousekeepingIntervalUs = 3600LL * 1'000'000;

Error deadToken() { return Error(ErrorCode::Unauthenticated, "the refresh token is not valid"); }

std::int64_t micros(std::chrono::seconds s) { return std::chrono::duration_cast<std::chrono::microseconds>(s).count(); }

}  // namespace

SessionService::SessionService(storage::Storage& storage, const JwtCodec& jwt, CredentialChecker& credentials,
                               LoginThrottle& throttle, const AuthSettings& settings, const Clock& clock)
    : storage_(storage),
      jwt_(jwt),
      credentials_(credentials),
      throttle_(throttle),
      settings_(settings),
      clock_(clock) {}

Expected<std::string> SessionService::accessToken(const storage::UserRecord& user) const {
    const std::int64_t now = clock_.nowUs() / 1'000'000;
    AccessClaims claims;
    claims.subject = user.id;
    claims.issuedAt = now;
    claims.expiresAt = now + settings_.accessTokenLifetime.count();
    claims.admin = user.isAdmin;
    claims.jwtId = randomSecret(16);
    claims.tokenVersion = user.tokenVersion;
    return jwt_.encode(claims);
}

Expected<IssuedSession> SessionService::login(std::string_view username, std::string_view password,
                                              const std::string& clientIp) {
    OBSCURA_TRY(user, checkPassword(username, password, clientIp));
    return startFamily(std::move(user));
}

Expected<storage::UserRecord> SessionService::checkPassword(std::string_view username, std::string_view password,
                                                            const std::string& clientIp) {
    OBSCURA_TRY(user, credentials_.signIn(username, password, clientIp));
    housekeeping();
    return user;
}

Expected<IssuedSession> SessionService::signInAs(storage::UserRecord user) {
    housekeeping();
    return startFamily(std::move(user));
}

Expected<IssuedSession> SessionService::startFamily(storage::UserRecord user) {
    IssuedSession session;
    session.refreshToken = randomSecret();
    const std::int64_t now = clock_.nowUs();
    storage::RefreshTokenRecord record{newUuid(),          user.id,
                                       newUuid(),          hashSecret(session.refreshToken),
                                       formatRfc3339(now), now + micros(settings_.refreshTokenLifetime),
                                       std::nullopt,       false};
    OBSCURA_TRY_STATUS(
        storage_.run([&](storage::Repositories& repos) { return repos.auth().createRefreshToken(record); }));
    OBSCURA_TRY(access, accessToken(user));
    session.accessToken = std::move(access);
    session.expiresIn = settings_.accessTokenLifetime.count();
    session.user = std::move(user);
    return session;
}

Expected<IssuedSession> SessionService::refresh(std::string_view token) {
    if (token.empty() || token.size() > kMaxRefreshTokenBytes) return deadToken();
    const std::string hash = hashSecret(token);
    const std::int64_t now = clock_.nowUs();
    enum class Outcome { Rotated, Unknown, Expired, Reused, Revoked, UserGone };
    Outcome outcome = Outcome::Unknown;
    std::string familyId;
    storage::UserRecord user;
    IssuedSession session;
    session.refreshToken = randomSecret();

    // One transaction: the old token dies and its successor is born together, or neither happens. The
    // transaction commits whatever the outcome, so a family revoked on reuse stays revoked.
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        auto& auth = repos.auth();
        OBSCURA_TRY(found, auth.findRefreshToken(hash));
        if (!found || !equalInConstantTime(found->tokenHash, hash)) return {};
        familyId = found->familyId;
        if (found->revoked || found->usedAtUs) {
            // A rotated token coming back means two parties hold it. A revoked one is usually an old client
            // after a sign-out; its family is revoked again either way, which costs nothing.
            outcome = found->usedAtUs ? Outcome::Reused : Outcome::Revoked;
            OBSCURA_TRY(revoked, auth.revokeRefreshFamily(familyId));
            (void)revoked;
            return {};
        }
        if (found->expiresAtUs <= now) {
            outcome = Outcome::Expired;
            return {};
        }
        OBSCURA_TRY(owner, auth.findUserById(found->userId));
        if (!owner || owner->disabled) {
            outcome = Outcome::UserGone;
            OBSCURA_TRY(revoked, auth.revokeRefreshFamily(familyId));
            (void)revoked;
            return {};
        }
        OBSCURA_TRY(won, auth.consumeRefreshToken(found->id, now));
        if (!won) {  // rotated by a racing request between our read and our write: the same as reuse
            outcome = Outcome::Reused;
            OBSCURA_TRY(revoked, auth.revokeRefreshFamily(familyId));
            (void)revoked;
            return {};
        }
        storage::RefreshTokenRecord next{newUuid(),          owner->id,
                                         familyId,           hashSecret(session.refreshToken),
                                         formatRfc3339(now), now + micros(settings_.refreshTokenLifetime),
                                         std::nullopt,       false};
        OBSCURA_TRY_STATUS(auth.createRefreshToken(next));
        user = std::move(*owner);
        outcome = Outcome::Rotated;
        return {};
    }));

    switch (outcome) {
        case Outcome::Rotated:
            break;
        case Outcome::Reused:
            log::warn("auth: a refresh token was presented after it had been used or revoked; its family " + familyId +
                      " is revoked");
            return deadToken();
        case Outcome::Unknown:
        case Outcome::Revoked:
        case Outcome::Expired:
        case Outcome::UserGone:
            return deadToken();
    }
    OBSCURA_TRY(access, accessToken(user));
    session.accessToken = std::move(access);
    session.expiresIn = settings_.accessTokenLifetime.count();
    session.user = std::move(user);
    return session;
}

Status SessionService::logout(std::string_view token) {
    if (token.empty() || token.size() > kMaxRefreshTokenBytes) return {};
    const std::string hash = hashSecret(token);
    return storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.auth().findRefreshToken(hash));
        if (!found) return {};
        OBSCURA_TRY(revoked, repos.auth().revokeRefreshFamily(found->familyId));
        (void)revoked;
        return {};
    });
}

// Expired refresh tokens and ended throttle windows are deleted at most once an hour per process, on a
// sign-in: cheap, and no scheduler is needed for it.
void SessionService::housekeeping() {
    const std::int64_t now = clock_.nowUs();
    std::int64_t due = nextHousekeepingUs_.load();
    if (now < due || !nextHousekeepingUs_.compare_exchange_strong(due, now + kHousekeepingIntervalUs)) return;
    auto tokens = storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(n, repos.auth().purgeRefreshTokens(now));
        (void)n;
        return {};
    });
    if (!tokens) log::warn("auth: could not purge expired refresh tokens: " + tokens.error().message);
    if (auto counters = throttle_.purgeExpired(); !counters) {
        log::warn("auth: could not purge ended sign-in counters: " + counters.error().message);
    }
    for (const auto& task : extraHousekeeping_) task();
}

}  // namespace obscura::auth
