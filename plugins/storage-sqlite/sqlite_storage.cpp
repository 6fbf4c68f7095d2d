#include "sqlite_storage.hpp"

#include <algorithm>
#include <vector>

#include "sqlite_database_path.hpp"
#include "sqlite_errors.hpp"
#include "sqlite_migrations.hpp"
#include "sqlite_repositories.hpp"

namespace obscura::sqlite {

namespace {

// STRICT tables arrived in 3.37.
constexpr int kMinimumSqliteVersion = 3'037'000;

// The storages whose callback the current thread is running, innermost last.
thread_local std::vector<const SqliteStorage*> tActiveCallbacks;

class CallbackScope {
public:
    explicit CallbackScope(const SqliteStorage* storage) { tActiveCallbacks.push_back(storage); }
    ~CallbackScope() { tActiveCallbacks.pop_back(); }
    CallbackScope(const CallbackScope&) = delete;
    CallbackScope& operator=(const CallbackScope&) = delete;
};

// A module callback is foreign code: whatever it throws stops here.
Status invokeCallback(const SqliteStorage* storage, const storage::RepoFn& fn, storage::Repositories& repos,
                      std::string_view operation) {
    CallbackScope scope(storage);
    try {
        return fn(repos);
    } catch (const std::exception& e) {
        return internalError("storage sqlite: " + std::string(operation) + " callback threw: " + e.what() +
                             " (rolled back)");
    } catch (...) {
        return internalError("storage sqlite: " + std::string(operation) +
                             " callback threw a non-standard exception (rolled back)");
    }
}

}  // namespace

Expected<std::unique_ptr<storage::Storage>> SqliteStorage::open(const storage::StorageOptions& options) {
    if (sqlite3_libversion_number() < kMinimumSqliteVersion) {
        return internalError("storage sqlite: SQLite " + std::string(sqlite3_libversion()) +
                             " is too old; 3.37 or newer is needed");
    }
    if (sqlite3_threadsafe() == 0) {
        return internalError("storage sqlite: this SQLite library was built without thread safety");
    }
    if (options.poolSize < 1 || options.poolSize > kMaxPoolSize) {
        return invalid("storage sqlite: pool size must be between 1 and " + std::to_string(kMaxPoolSize) + " (got " +
                       std::to_string(options.poolSize) + ")");
    }
    OBSCURA_TRY(path, resolveDatabasePath(options));
    OBSCURA_TRY_STATUS(ensureDatabaseFile(path));
    auto storage = std::make_unique<SqliteStorage>(path, options.poolSize);
    {
        auto lease = storage->pool_.acquire();
        ensureMigrationTable(*lease);
    }
    return std::unique_ptr<storage::Storage>(std::move(storage));
}

SqliteStorage::SqliteStorage(std::string path, int poolSize)
    : path_(std::move(path)), pool_(path_, poolSize, kBusyTimeout) {}

Status SqliteStorage::checkNotReentered(std::string_view operation) const {
    if (std::find(tActiveCallbacks.begin(), tActiveCallbacks.end(), this) == tActiveCallbacks.end()) return {};
    return internalError("storage sqlite: " + std::string(operation) +
                         " called from inside a transaction()/run() callback on the same thread; it would wait "
                         "for the callback's own connection — use the Repositories the callback was given");
}

Status SqliteStorage::ping() {
    OBSCURA_TRY_STATUS(checkNotReentered("ping"));
    return guarded("ping", [&]() -> Status {
        auto lease = pool_.acquire();
        auto stmt = lease->prepare("SELECT 1");
        if (!stmt.step() || stmt.int64(0) != 1) return unavailable("storage sqlite: ping: SELECT 1 returned no 1");
        return {};
    });
}

std::vector<storage::MigrationResult> SqliteStorage::knownMigrations() const { return sqlite::knownMigrations(); }

Expected<storage::MigrationResult> SqliteStorage::migrate(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("migrate"));
    return guarded("migrate module '" + std::string(module) + "'", [&]() -> Expected<storage::MigrationResult> {
        auto lease = pool_.acquire();
        return migrateModule(*lease, module);
    });
}

Expected<int> SqliteStorage::schemaVersion(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("schemaVersion"));
    return guarded("read schema version", [&]() -> Expected<int> {
        auto lease = pool_.acquire();
        return recordedVersion(*lease, module);
    });
}

Status SqliteStorage::transaction(const storage::RepoFn& fn) {
    if (!fn) return internalError("storage sqlite: transaction called without a callback");
    OBSCURA_TRY_STATUS(checkNotReentered("transaction"));
    return guarded("transaction", [&]() -> Status {
        auto lease = pool_.acquire();
        // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes can
        // fail with SQLITE_BUSY on the upgrade without the busy handler ever waiting.
        lease->exec("BEGIN IMMEDIATE");
        SqliteRepositories repos(*lease);
        Status status = invokeCallback(this, fn, repos, "transaction");
        if (!status) {
            if (!lease->rollbackQuietly()) {
                return internalError("storage sqlite: rollback failed after: " + status.error().message);
            }
            return status;
        }
        if (!lease->inTransaction()) {
            // SQLite ends a transaction by itself on some errors (disk full, I/O) even if the callback
            // carried on: committing now would silently commit nothing.
            return internalError(
                "storage sqlite: the database rolled the transaction back after an earlier "
                "error; nothing was committed");
        }
        lease->exec("COMMIT");
        return {};
    });
}

Status SqliteStorage::run(const storage::RepoFn& fn) {
    if (!fn) return internalError("storage sqlite: run called without a callback");
    OBSCURA_TRY_STATUS(checkNotReentered("run"));
    return guarded("run", [&]() -> Status {
        auto lease = pool_.acquire();
        SqliteRepositories repos(*lease);
        return invokeCallback(this, fn, repos, "run");
    });
}

Expected<std::unique_ptr<storage::Storage>> SqliteStorageFactory::open(const storage::StorageOptions& options) {
    return guarded("open", [&]() { return SqliteStorage::open(options); });
}

}  // namespace obscura::sqlite
