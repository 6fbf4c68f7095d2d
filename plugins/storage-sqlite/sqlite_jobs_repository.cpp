#include "sqlite_jobs_repository.hpp"

#include <cmath>
#include <limits>

#include "sqlite_errors.hpp"
#include "sqlite_time.hpp"

namespace obscura::sqlite {

namespace {

using storage::JobRecord;

constexpr std::string_view kJobColumns =
    "id, kind, payload, owner_id, asset_id, dedupe_key, state, attempts, max_attempts, run_after_us, lease_owner,"
    " lease_expires_us, progress, error, result, created_at, updated_at";

constexpr const char* kLastAttemptExpired = "lease expired on the last attempt";

JobRecord readJob(const Statement& row) {
    JobRecord job;
    job.id = row.text(0);
    job.kind = row.text(1);
    job.payload = row.text(2);
    job.ownerId = row.text(3);
    job.assetId = row.text(4);
    job.dedupeKey = row.text(5);
    job.state = row.text(6);
    job.attempts = static_cast<int>(row.int64(7));
    job.maxAttempts = static_cast<int>(row.int64(8));
    job.runAfterUs = row.int64(9);
    job.leaseOwner = row.text(10);
    job.leaseExpiresUs = row.int64(11);
    job.progress = row.real(12);
    job.error = row.text(13);
    job.result = row.text(14);
    job.createdAt = row.text(15);
    job.updatedAt = row.text(16);
    return job;
}

std::optional<JobRecord> findJob(Connection& connection, const std::string& id) {
    auto stmt = connection.prepare("SELECT " + std::string(kJobColumns) + " FROM jobs WHERE id = ?1");
    stmt.bind(1, id);
    if (!stmt.step()) return std::nullopt;
    return readJob(stmt);
}

std::optional<JobRecord> findByDedupeKey(Connection& connection, const std::string& kind, const std::string& key) {
    // The literal `dedupe_key <> ''` lets SQLite use the partial unique index jobs_dedupe.
    auto stmt = connection.prepare("SELECT " + std::string(kJobColumns) +
                                   " FROM jobs WHERE kind = ?1 AND dedupe_key = ?2 AND dedupe_key <> ''");
    stmt.bind(1, kind).bind(2, key);
    if (!stmt.step()) return std::nullopt;
    return readJob(stmt);
}

// Rows changed by the connection's last INSERT/UPDATE/DELETE: how a fenced update tells whether it won.
std::int64_t changes(Connection& connection) {
    auto stmt = connection.prepare("SELECT changes()");
    return stmt.step() ? stmt.int64(0) : 0;
}

// Runs body holding the database's write lock: inside the caller's transaction (storage transactions
// begin IMMEDIATE, so the lock is already held) or in one of our own, so a read-then-update cannot
// interleave with another thread's or process's.
template <typename Body>
auto underWriteLock(Connection& connection, Body&& body) -> decltype(body()) {
    if (connection.inTransaction()) return body();
    connection.exec("BEGIN IMMEDIATE");
    try {
        auto result = body();
        connection.exec("COMMIT");
        return result;
    } catch (...) {
        connection.rollbackQuietly();
        throw;
    }
}

std::optional<Error> validate(Connection& connection, const storage::NewJob& job, std::int64_t& createdAtUs) {
    if (job.id.empty()) return invalid("storage sqlite: enqueue: the job has no id");
    if (job.kind.empty()) return invalid("storage sqlite: enqueue " + job.id + ": the job has no kind");
    if (job.maxAttempts < 1) {
        return invalid("storage sqlite: enqueue " + job.id + ": maxAttempts must be at least 1 (got " +
                       std::to_string(job.maxAttempts) + ")");
    }
    const auto created = parseRfc3339Us(job.createdAt);
    if (!created) {
        return invalid("storage sqlite: enqueue " + job.id + ": createdAt '" + job.createdAt +
                       "' is not an RFC 3339 time");
    }
    createdAtUs = *created;
    if (!job.payload.empty()) {
        auto check = connection.prepare("SELECT json_valid(?1)");
        check.bind(1, job.payload);
        if (!check.step() || check.int64(0) != 1) {
            return invalid("storage sqlite: enqueue " + job.id + ": the payload is not valid JSON");
        }
    }
    return std::nullopt;
}

std::optional<Error> validateAttempt(const std::string& id, int attempt, std::string_view operation) {
    if (id.empty()) return invalid("storage sqlite: " + std::string(operation) + ": no job id");
    if (attempt < 1) {
        return invalid("storage sqlite: " + std::string(operation) + " " + id + ": attempt " +
                       std::to_string(attempt) + " was never claimed (attempts start at 1)");
    }
    return std::nullopt;
}

struct Candidate {
    std::string id;
    std::string state;
    int attempts = 0;
    int maxAttempts = 0;
    std::int64_t dueUs = 0;  // when it became claimable: runAfter, or the expiry of the vanished worker's lease
};

// The kind's oldest claimable job. Two index range scans (jobs_claim, jobs_lease) rather than one OR, so
// each stops at its first row however long the backlog is.
std::optional<Candidate> oldestDue(Connection& connection, const std::string& kind, std::int64_t nowUs) {
    std::optional<Candidate> best;
    {
        auto queued = connection.prepare(
            "SELECT id, attempts, max_attempts, run_after_us FROM jobs"
            " WHERE kind = ?1 AND state = 'queued' AND run_after_us <= ?2 ORDER BY run_after_us, id LIMIT 1");
        queued.bind(1, kind).bind(2, nowUs);
        if (queued.step()) {
            best = Candidate{queued.text(0), storage::kJobQueued, static_cast<int>(queued.int64(1)),
                             static_cast<int>(queued.int64(2)), queued.int64(3)};
        }
    }
    auto abandoned = connection.prepare(
        "SELECT id, attempts, max_attempts, lease_expires_us FROM jobs"
        " WHERE kind = ?1 AND state = 'running' AND lease_expires_us < ?2 ORDER BY lease_expires_us, id LIMIT 1");
    abandoned.bind(1, kind).bind(2, nowUs);
    if (abandoned.step() && (!best || abandoned.int64(3) < best->dueUs)) {
        best = Candidate{abandoned.text(0), storage::kJobRunning, static_cast<int>(abandoned.int64(1)),
                         static_cast<int>(abandoned.int64(2)), abandoned.int64(3)};
    }
    return best;
}

}  // namespace

Expected<storage::JobsRepository::Enqueued> SqliteJobsRepository::enqueue(const storage::NewJob& job) {
    return guarded("enqueue job", [&]() -> Expected<Enqueued> {
        std::int64_t createdAtUs = 0;
        if (auto error = validate(connection_, job, createdAtUs)) return *error;
        if (!job.dedupeKey.empty()) {
            if (auto existing = findByDedupeKey(connection_, job.kind, job.dedupeKey)) {
                return Enqueued{std::move(*existing), false};
            }
        }
        try {
            auto insert = connection_.prepare(
                "INSERT INTO jobs (id, kind, payload, owner_id, asset_id, dedupe_key, state, max_attempts,"
                " run_after_us, created_at, created_at_us, updated_at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8, ?9, ?10, ?9)");
            insert.bind(1, job.id)
                .bind(2, job.kind)
                .bind(3, job.payload)
                .bind(4, job.ownerId)
                .bind(5, job.assetId)
                .bind(6, job.dedupeKey)
                .bind(7, job.maxAttempts)
                .bind(8, job.runAfterUs)
                .bind(9, job.createdAt)
                .bind(10, createdAtUs)
                .run();
        } catch (const SqliteError& e) {
            // Outside a transaction another writer can insert the same key between our look and our insert:
            // the key is taken either way, so answer its job.
            if (e.primaryCode() != SQLITE_CONSTRAINT || job.dedupeKey.empty()) throw;
            auto existing = findByDedupeKey(connection_, job.kind, job.dedupeKey);
            if (!existing) throw;
            return Enqueued{std::move(*existing), false};
        }
        auto stored = findJob(connection_, job.id);
        if (!stored) return internalError("storage sqlite: enqueue " + job.id + ": the inserted job is not there");
        return Enqueued{std::move(*stored), true};
    });
}

Expected<std::optional<JobRecord>> SqliteJobsRepository::claim(const std::string& kind, const std::string& worker,
                                                              std::int64_t nowUs, std::int64_t leaseUs) {
    return guarded("claim job", [&]() -> Expected<std::optional<JobRecord>> {
        if (kind.empty() || worker.empty()) return invalid("storage sqlite: claim needs a kind and a worker name");
        if (leaseUs <= 0) return invalid("storage sqlite: claim " + kind + ": the lease must be positive");
        const std::string now = formatRfc3339Us(nowUs);
        return underWriteLock(connection_, [&]() -> Expected<std::optional<JobRecord>> {
            // Each pass either claims a job or fails one that ran out of attempts, so this ends.
            while (auto candidate = oldestDue(connection_, kind, nowUs)) {
                // Every update re-checks what made the row a candidate, so a backend without our write lock
                // (MySQL mirrors this shape) cannot take a job somebody else took in between.
                const bool exhausted =
                    candidate->state == storage::kJobRunning && candidate->attempts >= candidate->maxAttempts;
                if (exhausted) {
                    auto giveUp = connection_.prepare(
                        "UPDATE jobs SET state = 'failed', error = ?1, lease_owner = '', lease_expires_us = 0,"
                        " updated_at = ?2"
                        " WHERE id = ?3 AND attempts = ?4 AND state = 'running' AND lease_expires_us < ?5");
                    giveUp.bind(1, kLastAttemptExpired)
                        .bind(2, now)
                        .bind(3, candidate->id)
                        .bind(4, candidate->attempts)
                        .bind(5, nowUs)
                        .run();
                } else {
                    auto take = connection_.prepare(
                        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?1,"
                        " lease_expires_us = ?2, progress = 0, updated_at = ?3"
                        " WHERE id = ?4 AND attempts = ?5 AND state = ?6"
                        " AND ((state = 'queued' AND run_after_us <= ?7) OR"
                        " (state = 'running' AND lease_expires_us < ?7))");
                    take.bind(1, worker)
                        .bind(2, nowUs + leaseUs)
                        .bind(3, now)
                        .bind(4, candidate->id)
                        .bind(5, candidate->attempts)
                        .bind(6, candidate->state)
                        .bind(7, nowUs)
                        .run();
                }
                if (changes(connection_) != 1) {
                    // Impossible while we hold the write lock; looping would pick the same row forever.
                    return internalError("storage sqlite: claim " + kind + ": job " + candidate->id +
                                         " changed under the write lock");
                }
                if (!exhausted) return findJob(connection_, candidate->id);
            }
            return std::optional<JobRecord>();
        });
    });
}

Expected<bool> SqliteJobsRepository::heartbeat(const std::string& id, int attempt, std::int64_t nowUs,
                                               std::int64_t leaseUs) {
    return guarded("heartbeat job", [&]() -> Expected<bool> {
        if (auto error = validateAttempt(id, attempt, "heartbeat")) return *error;
        if (leaseUs <= 0) return invalid("storage sqlite: heartbeat " + id + ": the lease must be positive");
        // Still extended after the lease ran out, as long as nobody claimed the job since: the attempt number,
        // not the clock, is what fences a worker off.
        auto stmt = connection_.prepare(
            "UPDATE jobs SET lease_expires_us = ?1 WHERE id = ?2 AND attempts = ?3 AND state = 'running'");
        stmt.bind(1, nowUs + leaseUs).bind(2, id).bind(3, attempt).run();
        return changes(connection_) == 1;
    });
}

Expected<bool> SqliteJobsRepository::progress(const std::string& id, int attempt, double progress) {
    return guarded("record job progress", [&]() -> Expected<bool> {
        if (auto error = validateAttempt(id, attempt, "progress")) return *error;
        if (!std::isfinite(progress) || progress < 0 || progress > 1) {
            return invalid("storage sqlite: progress " + id + ": " + std::to_string(progress) +
                           " is not between 0 and 1");
        }
        auto stmt =
            connection_.prepare("UPDATE jobs SET progress = ?1 WHERE id = ?2 AND attempts = ?3 AND state = 'running'");
        stmt.bind(1, progress).bind(2, id).bind(3, attempt).run();
        return changes(connection_) == 1;
    });
}

Expected<bool> SqliteJobsRepository::complete(const std::string& id, int attempt, const std::string& result,
                                              const std::string& updatedAt) {
    return guarded("complete job", [&]() -> Expected<bool> {
        if (auto error = validateAttempt(id, attempt, "complete")) return *error;
        auto stmt = connection_.prepare(
            "UPDATE jobs SET state = 'succeeded', result = ?1, error = '', progress = 1, lease_owner = '',"
            " lease_expires_us = 0, updated_at = ?2 WHERE id = ?3 AND attempts = ?4 AND state = 'running'");
        stmt.bind(1, result).bind(2, updatedAt).bind(3, id).bind(4, attempt).run();
        return changes(connection_) == 1;
    });
}

Expected<bool> SqliteJobsRepository::fail(const std::string& id, int attempt, const std::string& error,
                                          std::optional<std::int64_t> retryAtUs, const std::string& updatedAt) {
    return guarded("fail job", [&]() -> Expected<bool> {
        if (auto invalidAttempt = validateAttempt(id, attempt, "fail")) return *invalidAttempt;
        auto stmt = connection_.prepare(
            "UPDATE jobs SET state = CASE WHEN ?1 IS NOT NULL AND attempts < max_attempts"
            " THEN 'queued' ELSE 'failed' END,"
            " run_after_us = COALESCE(?1, run_after_us), error = ?2, lease_owner = '', lease_expires_us = 0,"
            " updated_at = ?3 WHERE id = ?4 AND attempts = ?5 AND state = 'running'");
        stmt.bind(1, retryAtUs).bind(2, error).bind(3, updatedAt).bind(4, id).bind(5, attempt).run();
        return changes(connection_) == 1;
    });
}

Expected<std::optional<JobRecord>> SqliteJobsRepository::get(const std::string& id) {
    return guarded("get job", [&]() -> Expected<std::optional<JobRecord>> { return findJob(connection_, id); });
}

Expected<std::optional<JobRecord>> SqliteJobsRepository::findJobByDedupeKey(const std::string& kind,
                                                                            const std::string& dedupeKey) {
    return guarded("find job by dedupe key", [&]() -> Expected<std::optional<JobRecord>> {
        if (dedupeKey.empty()) return std::optional<JobRecord>();  // "" means "no key", never a key
        return findByDedupeKey(connection_, kind, dedupeKey);
    });
}

Expected<std::vector<JobRecord>> SqliteJobsRepository::list(const std::string& state, int limit,
                                                            const std::string& afterId) {
    return guarded("list jobs", [&]() -> Expected<std::vector<JobRecord>> {
        if (!state.empty() && state != storage::kJobQueued && state != storage::kJobRunning &&
            state != storage::kJobSucceeded && state != storage::kJobFailed) {
            return invalid("storage sqlite: list jobs: unknown state '" + state +
                           "' (queued, running, succeeded or failed)");
        }
        if (limit < 1 || limit > kMaxListLimit) {
            return invalid("storage sqlite: list jobs: limit must be between 1 and " + std::to_string(kMaxListLimit) +
                           " (got " + std::to_string(limit) + ")");
        }
        // Keyset: strictly after the cursor job in (created_at_us, id) descending order. Without a cursor,
        // start above every real key.
        std::int64_t cursorUs = std::numeric_limits<std::int64_t>::max();
        std::string cursorId;
        if (!afterId.empty()) {
            auto cursor = connection_.prepare("SELECT created_at_us FROM jobs WHERE id = ?1");
            cursor.bind(1, afterId);
            if (!cursor.step()) {
                return invalid("storage sqlite: list jobs: the cursor '" + afterId + "' names no job");
            }
            cursorUs = cursor.int64(0);
            cursorId = afterId;
        }
        const std::string where = state.empty() ? "" : "state = ?4 AND ";
        auto stmt = connection_.prepare("SELECT " + std::string(kJobColumns) + " FROM jobs WHERE " + where +
                                        "(created_at_us, id) < (?1, ?2)"
                                        " ORDER BY created_at_us DESC, id DESC LIMIT ?3");
        stmt.bind(1, cursorUs).bind(2, cursorId).bind(3, limit);
        if (!state.empty()) stmt.bind(4, state);
        std::vector<JobRecord> jobs;
        while (stmt.step()) jobs.push_back(readJob(stmt));
        return jobs;
    });
}

Expected<std::int64_t> SqliteJobsRepository::retryFailed(const std::vector<std::string>& ids, std::int64_t nowUs,
                                                         const std::string& updatedAt) {
    return guarded("retry failed jobs", [&]() -> Expected<std::int64_t> {
        constexpr std::string_view kRequeue =
            "UPDATE jobs SET state = 'queued', attempts = 0, run_after_us = ?1, lease_owner = '',"
            " lease_expires_us = 0, progress = 0, updated_at = ?2 WHERE state = 'failed'";
        if (ids.empty()) {
            auto stmt = connection_.prepare(kRequeue);
            stmt.bind(1, nowUs).bind(2, updatedAt).run();
            return changes(connection_);
        }
        // All or nothing: a list of ids is one admin action.
        return underWriteLock(connection_, [&]() -> Expected<std::int64_t> {
            std::int64_t requeued = 0;
            for (const auto& id : ids) {
                auto stmt = connection_.prepare(std::string(kRequeue) + " AND id = ?3");
                stmt.bind(1, nowUs).bind(2, updatedAt).bind(3, id).run();
                requeued += changes(connection_);
            }
            return requeued;
        });
    });
}

Expected<std::vector<storage::JobCount>> SqliteJobsRepository::counts() {
    return guarded("count jobs", [&]() -> Expected<std::vector<storage::JobCount>> {
        // Covered by jobs_claim's leading (kind, state) columns.
        auto stmt = connection_.prepare("SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state");
        std::vector<storage::JobCount> counts;
        while (stmt.step()) counts.push_back({stmt.text(0), stmt.text(1), stmt.int64(2)});
        return counts;
    });
}

Expected<std::int64_t> SqliteJobsRepository::countActive(const std::string& kind) {
    return guarded("count active jobs", [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM jobs WHERE kind = ?1 AND state IN ('queued', 'running')");
        stmt.bind(1, kind);
        return stmt.step() ? stmt.int64(0) : 0;
    });
}

}  // namespace obscura::sqlite
