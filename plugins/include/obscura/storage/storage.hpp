#pragma once
// The storage API a plugin implements. Safe to call from many threads at once. No exception leaves a
// plugin: every call answers an Expected, and an exception thrown by a callback is caught, the
// transaction rolled back, and reported as ErrorCode::Internal.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"
#include "obscura/storage/repositories.hpp"

namespace obscura::storage {

struct StorageOptions {
    std::string dataDir;   // SQLite: <dataDir>/obscura.db unless url says otherwise
    std::string url;       // database.url ("sqlite:/path/x.db", "mysql://user@host:3306/db"); may be empty
    std::string password;  // database.password
    int poolSize = 8;
};

using RepoFn = std::function<Status(Repositories&)>;

class Storage {
public:
    virtual ~Storage() = default;
    virtual std::string_view name() const = 0;
    // Cheap round trip to the database (readiness probe). Unavailable when it cannot be reached.
    virtual Status ping() = 0;
    // The modules this plugin has migrations for, and the latest version of each.
    virtual std::vector<MigrationResult> knownMigrations() const = 0;
    // Applies the module's pending migrations in order, each in its own transaction, recording
    // (module, version) in schema_migrations. Idempotent; safe when several processes race.
    // "kernel" (the job queue) comes first; modules' tables reference each other (images → auth,
    // media → images), so the order is kernel, auth, images, media: migrating a module whose dependency is behind fails
    // with Invalid naming the dependency, and nothing is applied. An unknown module, or a database newer than this
    // build, is Invalid.
    virtual Expected<MigrationResult> migrate(std::string_view module) = 0;
    // Current recorded version (0 when none).
    virtual Expected<int> schemaVersion(std::string_view module) = 0;
    // Runs fn in one transaction on one connection: commit when fn succeeds, roll back otherwise.
    // Calling transaction() or run() from inside fn on the same thread fails at once with Internal
    // (it would wait for the lock fn's own transaction holds): use the Repositories fn is given.
    virtual Status transaction(const RepoFn& fn) = 0;
    // Runs fn on one connection without an explicit transaction (each statement commits by itself).
    virtual Status run(const RepoFn& fn) = 0;
};

class StorageFactory {
public:
    virtual ~StorageFactory() = default;
    virtual Expected<std::unique_ptr<Storage>> open(const StorageOptions& options) = 0;
};

}  // namespace obscura::storage
