#pragma once
// Each module's repository interface: the domain operations a module needs, never SQL. Every plugin
// implements all of them. Later issues extend these (and bump kStorageAbiVersion).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/album_sharing_repository.hpp"
#include "obscura/storage/albums_repository.hpp"
#include "obscura/storage/direct_uploads_repository.hpp"
#include "obscura/storage/dupes_repository.hpp"
#include "obscura/storage/images_repository.hpp"
#include "obscura/storage/jobs_repository.hpp"
#include "obscura/storage/mfa_repository.hpp"
#include "obscura/storage/oidc_repository.hpp"
#include "obscura/storage/partners_repository.hpp"
#include "obscura/storage/password_resets_repository.hpp"
#include "obscura/storage/records.hpp"
#include "obscura/storage/relay_repository.hpp"
#include "obscura/storage/shared_links_repository.hpp"
#include "obscura/storage/table_rows.hpp"
#include "obscura/storage/uploads_repository.hpp"

namespace obscura::storage {

class AuthRepository {
public:
    virtual ~AuthRepository() = default;
    virtual Expected<std::int64_t> countUsers() = 0;
    // Conflict when the id or the usernameKey is taken. Within a transaction a Conflict fails only this
    // statement: the transaction stays usable.
    virtual Status createUser(const UserRecord& user) = 0;
    // nullopt when there is no such user (absence is not an error).
    virtual Expected<std::optional<UserRecord>> findUserById(const std::string& id) = 0;
    // Looks up by the normalised key (UserRecord::usernameKey), never by the raw username: the auth
    // module owns the normalisation so that every plugin agrees on it.
    virtual Expected<std::optional<UserRecord>> findUserByUsernameKey(const std::string& usernameKey) = 0;
    // Inserts the user only when no user exists yet, atomically (two racing first registrations cannot both
    // win): true when inserted, false when some user already existed.
    virtual Expected<bool> createFirstUser(const UserRecord& user) = 0;
    // Ordered by usernameKey, starting after afterUsernameKey ("" = from the start); at most limit rows.
    virtual Expected<std::vector<UserRecord>> listUsers(int limit, const std::string& afterUsernameKey) = 0;
    // Admins that are not disabled.
    virtual Expected<std::int64_t> countActiveAdmins() = 0;
    // Writes the mutable fields (email, displayName, bio, passwordHash, isAdmin, disabled, quotaBytes,
    // tokenVersion, updatedAt) of the user with user.id; id, username, usernameKey and createdAt never change.
    // With keepAnotherAdmin the write happens only if another active admin exists, checked atomically with
    // the write (LastAdmin otherwise): callers set it when the write takes away the user's active-admin status.
    virtual Expected<UserWrite> updateUser(const UserRecord& user, bool keepAnotherAdmin) = 0;
    // Deletes the user; rows that reference it (tokens, keys, assets) go with it. keepAnotherAdmin as above.
    virtual Expected<UserWrite> deleteUser(const std::string& id, bool keepAnotherAdmin) = 0;

    // Conflict when the id or tokenHash is taken.
    virtual Status createRefreshToken(const RefreshTokenRecord& token) = 0;
    // Any state (used, revoked, expired): the caller decides what a dead token means.
    virtual Expected<std::optional<RefreshTokenRecord>> findRefreshToken(const std::string& tokenHash) = 0;
    // Marks a live token (not used, not revoked) used at nowUs. False when it was not live any more: of two
    // racing rotations of one token exactly one gets true.
    virtual Expected<bool> consumeRefreshToken(const std::string& id, std::int64_t nowUs) = 0;
    // Revokes every token of the family; answers how many were live before.
    virtual Expected<std::int64_t> revokeRefreshFamily(const std::string& familyId) = 0;
    // Revokes every token of the user; answers how many were live before.
    virtual Expected<std::int64_t> revokeUserRefreshTokens(const std::string& userId) = 0;
    // Deletes tokens that expired before the given time; answers how many.
    virtual Expected<std::int64_t> purgeRefreshTokens(std::int64_t expiredBeforeUs) = 0;

    // Conflict when the id or keyHash is taken.
    virtual Status createApiKey(const ApiKeyRecord& key) = 0;
    // The key with that hash and its owner, in one lookup.
    virtual Expected<std::optional<ApiKeyWithOwner>> findApiKeyByHash(const std::string& keyHash) = 0;
    // The user's keys, oldest first.
    virtual Expected<std::vector<ApiKeyRecord>> listApiKeys(const std::string& userId) = 0;
    // nullopt when the key does not exist or belongs to someone else.
    virtual Expected<std::optional<ApiKeyRecord>> findApiKey(const std::string& userId, const std::string& id) = 0;
    // False when the key does not exist or belongs to someone else.
    virtual Expected<bool> deleteApiKey(const std::string& userId, const std::string& id) = 0;

    // Counts one failed sign-in under key, atomically: a window older than windowUs restarts at nowUs with
    // one failure, otherwise the count grows. Answers the counter after the increment.
    virtual Expected<LoginFailures> addLoginFailure(const std::string& key, std::int64_t nowUs,
                                                    std::int64_t windowUs) = 0;
    virtual Expected<std::optional<LoginFailures>> findLoginFailures(const std::string& key) = 0;
    virtual Status clearLoginFailures(const std::string& key) = 0;
    // Deletes counters whose window started before the given time; answers how many.
    virtual Expected<std::int64_t> purgeLoginFailures(std::int64_t windowStartedBeforeUs) = 0;
};

class MediaRepository {
public:
    virtual ~MediaRepository() = default;
    // Derivatives recorded for one asset (any state).
    virtual Expected<std::int64_t> countDerivatives(const std::string& assetId) = 0;
};

// What one connection offers, inside or outside a transaction.
class Repositories {
public:
    virtual ~Repositories() = default;
    virtual AuthRepository& auth() = 0;
    virtual ImagesRepository& images() = 0;
    virtual AlbumsRepository& albums() = 0;
    virtual AlbumSharingRepository& albumSharing() = 0;
    virtual SharedLinksRepository& sharedLinks() = 0;
    virtual PartnersRepository& partners() = 0;
    virtual MediaRepository& media() = 0;
    virtual JobsRepository& jobs() = 0;
    // Every module's tables as plain rows, for copying a whole library between plugins (table_rows.hpp).
    virtual TableRowsRepository& tableRows() = 0;
    // Direct uploads waiting for their confirm (direct_uploads_repository.hpp).
    virtual DirectUploadsRepository& directUploads() = 0;
    // Resumable uploads in progress (uploads_repository.hpp).
    virtual UploadsRepository& uploads() = 0;
    // The event relay's log (migration module "relay").
    virtual RelayRepository& relay() = 0;
    // Perceptual hashes, dismissed duplicates, related-photo candidates (migration module "dupes").
    virtual DupesRepository& dupes() = 0;
    // Two-factor sign-in: TOTP secrets, recovery codes, sign-in challenges (migration module "mfa").
    virtual MfaRepository& mfa() = 0;
    // Mailed password-reset tokens (migration module "password_reset").
    virtual PasswordResetsRepository& passwordResets() = 0;
    // OIDC sign-in: linked provider accounts and sign-ins in flight (migration module "oidc").
    virtual OidcRepository& oidc() = 0;
};

}  // namespace obscura::storage
