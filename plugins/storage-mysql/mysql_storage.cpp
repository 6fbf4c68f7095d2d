#include "mysql_storage.hpp"

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "mysql_errors.hpp"
#include "mysql_migrations.hpp"
#include "mysql_repositories.hpp"
#include "mysql_server_version.hpp"

namespace obscura::mysql {

namespace {

// The storages whose callback the current thread is running, innermost last.
thread_local std::vector<const MysqlStorage*> tActiveCallbacks;

class CallbackScope {
public:
    explicit CallbackScope(const MysqlStorage* storage) { tActiveCallbacks.push_back(storage); }
    ~CallbackScope() { tActiveCallbacks.pop_back(); }
    CallbackScope(const CallbackScope&) = delete;
    CallbackScope& operator=(const CallbackScope&) = delete;
};

// A module callback is foreign code: whatever it throws stops here.
Status invokeCallback(const MysqlStorage* storage, const storage::RepoFn& fn, storage::Repositories& repos,
                      std::string_view operation) {
    CallbackScope scope(storage);
    try {
        return fn(repos);
    } catch (const std::exception& e) {
        return internalError("storage mysql: " + std::string(operation) + " callback threw: " + e.what() +
                             " (rolled back)");
    } catch (...) {
        return internalError("storage mysql: " + std::string(operation) +
                             " callback threw a non-standard exception (rolled back)");
    }
}

// Deadlock victims back off for a random few milliseconds, so two that collided do not collide again.
void backOff(int attempt) {
    thread_local std::minstd_rand random{std::random_device{}()};
    std::uniform_int_distribution<int> jitter(1, 5 * attempt * attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
}

}  // namespace

Expected<std::unique_ptr<storage::Storage>> MysqlStorage::open(const storage::StorageOptions& options) {
    if (options.poolSize < 1 || options.poolSize > kMaxPoolSize) {
        return invalid("storage mysql: pool size must be between 1 and " + std::to_string(kMaxPoolSize) + " (got " +
                       std::to_string(options.poolSize) + ")");
    }
    OBSCURA_TRY(settings, parseConnectionSettings(options));
    auto storage = std::make_unique<MysqlStorage>(settings, options.poolSize);
    // One connection at once, so a wrong URL, password or server fails at open() with its reason.
    auto lease = storage->pool_.acquire();
    OBSCURA_TRY_STATUS(checkServerVersion(*lease));
    ensureMigrationTable(*lease);
    return std::unique_ptr<storage::Storage>(std::move(storage));
}

MysqlStorage::MysqlStorage(ConnectionSettings settings, int poolSize) : pool_(std::move(settings), poolSize) {}

Status MysqlStorage::checkNotReentered(std::string_view operation) const {
    if (std::find(tActiveCallbacks.begin(), tActiveCallbacks.end(), this) == tActiveCallbacks.end()) return {};
    return internalError("storage mysql: " + std::string(operation) +
                         " called from inside a transaction()/run() callback on the same thread; it would wait "
                         "for the callback's own connection — use the Repositories the callback was given");
}

Status MysqlStorage::ping() {
    OBSCURA_TRY_STATUS(checkNotReentered("ping"));
    return guarded("ping", [&]() -> Status {
        auto lease = pool_.acquire();
        if (!lease->ping()) return unavailable("storage mysql: ping: the database did not answer");
        return {};
    });
}

std::vector<storage::MigrationResult> MysqlStorage::knownMigrations() const { return mysql::knownMigrations(); }

Expected<storage::MigrationResult> MysqlStorage::migrate(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("migrate"));
    return guarded("migrate module '" + std::string(module) + "'", [&]() -> Expected<storage::MigrationResult> {
        auto connection = pool_.connectDedicated(kMigrationReadTimeoutSeconds);
        return migrateModule(*connection, module);
    });
}

Expected<int> MysqlStorage::schemaVersion(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("schemaVersion"));
    return guarded("read schema version", [&]() -> Expected<int> {
        auto lease = pool_.acquire();
        return recordedVersion(*lease, module);
    });
}

Status MysqlStorage::attemptTransaction(const storage::RepoFn& fn, int& abortCode) {
    abortCode = 0;
    return guarded("transaction", [&]() -> Status {
        auto lease = pool_.acquire();
        lease->begin();
        MysqlRepositories repos(*lease);
        Status status = invokeCallback(this, fn, repos, "transaction");
        if (lease->aborted()) {
            // The server undid (part of) it; whatever the callback made of that, nothing may be committed.
            abortCode = lease->abortCode();
            lease->rollbackQuietly();
            return status.ok() ? unavailable("storage mysql: transaction: aborted by the server (error " +
                                             std::to_string(abortCode) + ")")
                               : status;
        }
        if (!status) {
            if (!lease->rollbackQuietly()) {
                return unavailable("storage mysql: rollback failed (connection lost) after: " +
                                   status.error().message);
            }
            return status;
        }
        lease->commit();
        return {};
    });
}

Status MysqlStorage::transaction(const storage::RepoFn& fn) {
    if (!fn) return internalError("storage mysql: transaction called without a callback");
    OBSCURA_TRY_STATUS(checkNotReentered("transaction"));
    for (int attempt = 1;; ++attempt) {
        int abortCode = 0;
        Status status = attemptTransaction(fn, abortCode);
        if (abortCode == 0) return status;
        const int attempts = abortCode == kErLockWaitTimeout ? kLockWaitAttempts : kDeadlockAttempts;
        if (attempt >= attempts) {
            Error error = status.error();
            error.code = ErrorCode::Unavailable;
            error.message += " (gave up after " + std::to_string(attempt) + " attempts)";
            return std::move(error).retryAfter(1);
        }
        backOff(attempt);
    }
}

Status MysqlStorage::run(const storage::RepoFn& fn) {
    if (!fn) return internalError("storage mysql: run called without a callback");
    OBSCURA_TRY_STATUS(checkNotReentered("run"));
    return guarded("run", [&]() -> Status {
        auto lease = pool_.acquire();
        MysqlRepositories repos(*lease);
        return invokeCallback(this, fn, repos, "run");
    });
}

Expected<std::unique_ptr<storage::Storage>> MysqlStorageFactory::open(const storage::StorageOptions& options) {
    return guarded("open", [&]() { return MysqlStorage::open(options); });
}

}  // namespace obscura::mysql
