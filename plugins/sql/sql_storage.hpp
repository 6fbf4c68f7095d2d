#pragma once
// The Storage both plugins are (storage.hpp): a pool of driver connections, each call on one borrowed
// connection, the module callbacks guarded, transactions retried when the server aborts them as a deadlock
// victim. A plugin derives from it and adds how it opens and how it migrates. Pool: acquire() → a lease that
// dereferences to the driver's Session.
#include <algorithm>
#include <chrono>
#include <exception>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "obscura/storage/storage.hpp"
#include "sql_dialect.hpp"
#include "sql_migrations.hpp"
#include "sql_repositories.hpp"

namespace obscura::sql {

// The storages whose callback the current thread is running, innermost last.
inline std::vector<const void*>& activeCallbacks() {
    thread_local std::vector<const void*> active;
    return active;
}

// Fails when the calling thread is already inside a callback of this storage: the call would wait for the
// callback's own connection (see storage.hpp).
inline Status checkNotReentered(const void* storage, std::string_view backend, std::string_view operation) {
    const auto& active = activeCallbacks();
    if (std::find(active.begin(), active.end(), storage) == active.end()) return {};
    return internalError("storage " + std::string(backend) + ": " + std::string(operation) +
                         " called from inside a transaction()/run() callback on the same thread; it would wait "
                         "for the callback's own connection — use the Repositories the callback was given");
}

// Runs a module callback (foreign code: whatever it throws stops here) with this storage marked as active on the
// calling thread.
inline Status invokeCallback(const void* storage, std::string_view backend, const storage::RepoFn& fn,
                             storage::Repositories& repos, std::string_view operation) {
    struct Scope {
        explicit Scope(const void* active) { activeCallbacks().push_back(active); }
        ~Scope() { activeCallbacks().pop_back(); }
    } scope(storage);
    const std::string where = "storage " + std::string(backend) + ": " + std::string(operation);
    try {
        return fn(repos);
    } catch (const std::exception& e) {
        return internalError(where + " callback threw: " + e.what() + " (rolled back)");
    } catch (...) {
        return internalError(where + " callback threw a non-standard exception (rolled back)");
    }
}

template <typename Pool>
class PooledStorage : public storage::Storage {
public:
    std::string_view name() const override { return dialect_.name; }

    Status ping() override {
        OBSCURA_TRY_STATUS(checkNotReentered(this, name(), "ping"));
        return guarded(name(), "ping", [&]() -> Status {
            auto lease = pool_.acquire();
            if (!lease->ping()) return unavailable(prefix() + "ping: the database did not answer");
            return {};
        });
    }

    std::vector<storage::MigrationResult> knownMigrations() const override { return sql::knownMigrations(migrations_); }

    Expected<int> schemaVersion(std::string_view module) override {
        OBSCURA_TRY_STATUS(checkNotReentered(this, name(), "schemaVersion"));
        return guarded(name(), "read schema version", [&]() -> Expected<int> {
            auto lease = pool_.acquire();
            return recordedVersion(*lease, module);
        });
    }

    Status transaction(const storage::RepoFn& fn) override {
        if (!fn) return internalError(prefix() + "transaction called without a callback");
        OBSCURA_TRY_STATUS(checkNotReentered(this, name(), "transaction"));
        for (int attempt = 1;; ++attempt) {
            int abortCode = 0;
            Status status = attemptTransaction(fn, abortCode);
            if (abortCode == 0) return status;
            if (attempt >= dialect_.transactionAttempts(abortCode)) {
                Error error = status.error();
                error.code = ErrorCode::Unavailable;
                error.message += " (gave up after " + std::to_string(attempt) + " attempts)";
                return std::move(error).retryAfter(1);
            }
            // Deadlock victims back off for a random few milliseconds, so two that collided do not collide again.
            thread_local std::minstd_rand random{std::random_device{}()};
            std::uniform_int_distribution<int> jitter(1, 5 * attempt * attempt);
            std::this_thread::sleep_for(std::chrono::milliseconds(jitter(random)));
        }
    }

    Status run(const storage::RepoFn& fn) override {
        if (!fn) return internalError(prefix() + "run called without a callback");
        OBSCURA_TRY_STATUS(checkNotReentered(this, name(), "run"));
        return guarded(name(), "run", [&]() -> Status {
            auto lease = pool_.acquire();
            SqlRepositories repos(*lease);
            return invokeCallback(this, name(), fn, repos, "run");
        });
    }

protected:
    template <typename... PoolArgs>
    PooledStorage(const Dialect& dialect, const std::vector<Migration>& migrations, PoolArgs&&... poolArgs)
        : dialect_(dialect), migrations_(migrations), pool_(std::forward<PoolArgs>(poolArgs)...) {}

    std::string prefix() const { return "storage " + std::string(name()) + ": "; }

    const Dialect& dialect_;
    const std::vector<Migration>& migrations_;
    Pool pool_;

private:
    // One attempt of transaction(); abortCode is set when the server aborted it (deadlock, lock wait timeout).
    Status attemptTransaction(const storage::RepoFn& fn, int& abortCode) {
        return guarded(name(), "transaction", [&]() -> Status {
            auto lease = pool_.acquire();
            lease->begin(false);
            SqlRepositories repos(*lease);
            Status status = invokeCallback(this, name(), fn, repos, "transaction");
            if (lease->abortCode() != 0) {
                // The server undid (part of) it; whatever the callback made of that, nothing may be committed.
                abortCode = lease->abortCode();
                lease->rollbackQuietly();
                return status.ok() ? unavailable(prefix() + "transaction: aborted by the server (error " +
                                                 std::to_string(abortCode) + ")")
                                   : status;
            }
            if (!status) {
                if (!lease->rollbackQuietly()) {
                    return unavailable(prefix() + "rollback failed (connection lost) after: " + status.error().message);
                }
                return status;
            }
            if (!lease->inTransaction()) {
                // SQLite ends a transaction by itself on some errors (disk full, I/O) even if the callback carried
                // on: committing now would silently commit nothing.
                return internalError(prefix() +
                                     "the database rolled the transaction back after an earlier error; nothing was "
                                     "committed");
            }
            lease->commit();
            return {};
        });
    }
};

}  // namespace obscura::sql
