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

    // --- Backup and restore (`obscura backup` / `obscura restore`, DESIGN §13) ---
    // Writes a consistent copy of the whole database to `path` (a new file; SQLite: a database file made with the
    // online backup API; MySQL: a dump of every table read in one consistent-snapshot transaction) while other
    // callers keep reading and writing, then runs inSnapshot on Repositories that read exactly what was copied
    // (the backup asks them which blobs the copy names). Nothing of the live database changes.
    virtual Status backupTo(const std::string& path, const RepoFn& inSnapshot) = 0;
    // Fills this database from a file backupTo wrote (with the same plugin). Refused with Invalid, nothing changed,
    // when the database already holds rows (any table but schema_migrations) or when the backup's schema is not
    // one this build can restore.
    virtual Status restoreFrom(const std::string& path) = 0;
};

class StorageFactory {
public:
    virtual ~StorageFactory() = default;
    virtual Expected<std::unique_ptr<Storage>> open(const StorageOptions& options) = 0;
    // Reads a file Storage::backupTo wrote, without any database: well-formed to its end (SQLite: integrity check
    // of the copy; MySQL: every record of the dump and its closing line). Invalid naming the first problem.
    virtual Status checkBackup(const std::string& path) = 0;
};

}  // namespace obscura::storage
