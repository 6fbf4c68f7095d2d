#include "mysql_storage.hpp"

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "mysql_migrations.hpp"
#include "sql_repositories.hpp"
#include "mysql_server_version.hpp"
#include "sql_callbacks.hpp"
#include "sql_repositories.hpp"

namespace obscura::mysql {

namespace {

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
    return sql::checkNotReentered(this, kName, operation);
}

Status MysqlStorage::ping() {
    OBSCURA_TRY_STATUS(checkNotReentered("ping"));
    return sql::guarded(kName, "ping", [&]() -> Status {
        auto lease = pool_.acquire();
        if (!lease->ping()) return unavailable("storage mysql: ping: the database did not answer");
        return {};
    });
}

std::vector<storage::MigrationResult> MysqlStorage::knownMigrations() const {
    return sql::knownMigrations(allMigrations());
}

Expected<storage::MigrationResult> MysqlStorage::migrate(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("migrate"));
    return sql::guarded(kName, "migrate module '" + std::string(module) + "'", [&]() -> Expected<storage::MigrationResult> {
        auto connection = pool_.connectDedicated(kMigrationReadTimeoutSeconds);
        return migrateModule(*connection, module);
    });
}

Expected<int> MysqlStorage::schemaVersion(std::string_view module) {
    OBSCURA_TRY_STATUS(checkNotReentered("schemaVersion"));
    return sql::guarded(kName, "read schema version", [&]() -> Expected<int> {
        auto lease = pool_.acquire();
        return sql::recordedVersion(*lease, module);
    });
}

Status MysqlStorage::attemptTransaction(const storage::RepoFn& fn, int& abortCode) {
    abortCode = 0;
    return sql::guarded(kName, "transaction", [&]() -> Status {
        auto lease = pool_.acquire();
        lease->begin(false);
        sql::SqlRepositories repos(*lease);
        Status status = sql::invokeCallback(this, kName, fn, repos, "transaction");
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
    return sql::guarded(kName, "run", [&]() -> Status {
        auto lease = pool_.acquire();
        sql::SqlRepositories repos(*lease);
        return sql::invokeCallback(this, kName, fn, repos, "run");
    });
}

Expected<std::unique_ptr<storage::Storage>> MysqlStorageFactory::open(const storage::StorageOptions& options) {
    return sql::guarded(MysqlStorage::kName, "open", [&]() { return MysqlStorage::open(options); });
}

}  // namespace obscura::mysql
