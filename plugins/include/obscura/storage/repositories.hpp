#pragma once
// Each module's repository interface: the domain operations a module needs, never SQL. Every plugin
// implements all of them. Later issues extend these (and bump kStorageAbiVersion).
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/kernel/expected.hpp"
#include "obscura/storage/jobs_repository.hpp"
#include "obscura/storage/records.hpp"

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
};

class ImagesRepository {
public:
    virtual ~ImagesRepository() = default;
    // Live (not trashed) assets of one owner, by type.
    virtual Expected<AssetCounts> countAssets(const std::string& ownerId) = 0;
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
    virtual MediaRepository& media() = 0;
    virtual JobsRepository& jobs() = 0;
};

}  // namespace obscura::storage
