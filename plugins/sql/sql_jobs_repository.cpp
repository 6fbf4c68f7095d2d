#include "sql_jobs_repository.hpp"

#include <cmath>
#include <limits>

#include "obscura/base/rfc3339.hpp"
#include "sql_atomic.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

namespace {

using storage::JobRecord;

// dedupe_key is NULL in the table when the job has none; the API's "" either way.
constexpr std::string_view kJobColumns =
    "id, kind, payload, owner_id, asset_id, COALESCE(dedupe_key, ''), state, attempts, max_attempts, run_after_us,"
    " lease_owner, lease_expires_us, progress, error, result, created_at, updated_at";

constexpr const char* kLastAttemptExpired = "lease expired on the last attempt";

JobRecord readJob(const Rows& row) {
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

std::optional<JobRecord> findJob(Session& connection, const std::string& id) {
    auto stmt = connection.prepare("SELECT " + std::string(kJobColumns) + " FROM jobs WHERE id = ?");
    stmt.bind(id);
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return readJob(rows);
}

// locking: a current read (FOR UPDATE) that sees rows committed after this transaction's snapshot.
std::optional<JobRecord> findByDedupeKey(Session& connection, const std::string& kind, const std::string& key,
                                         bool locking) {
    // The literal `dedupe_key <> ''` lets SQLite use its partial unique index jobs_dedupe.
    auto stmt = connection.prepare("SELECT " + std::string(kJobColumns) +
                                   " FROM jobs WHERE kind = ? AND dedupe_key = ? AND dedupe_key <> ''" +
                                   std::string(locking ? connection.dialect().forUpdate : ""));
    stmt.bind(kind, key);
    auto rows = stmt.query();
    if (!rows.next()) return std::nullopt;
    return readJob(rows);
}

// "storage sqlite: ", the start of every message.
std::string prefix(const Session& s) { return "storage " + std::string(backendName(s)) + ": "; }

std::optional<Error> validate(Session& connection, const storage::NewJob& job, std::int64_t& createdAtUs) {
    const std::string who = prefix(connection);
    if (job.id.empty()) return invalid(who + "enqueue: the job has no id");
    if (job.kind.empty()) return invalid(who + "enqueue " + job.id + ": the job has no kind");
    if (job.maxAttempts < 1) {
        return invalid(who + "enqueue " + job.id + ": maxAttempts must be at least 1 (got " +
                       std::to_string(job.maxAttempts) + ")");
    }
    const auto created = parseRfc3339Us(job.createdAt);
    if (!created) {
        return invalid(who + "enqueue " + job.id + ": createdAt '" + job.createdAt + "' is not an RFC 3339 time");
    }
    createdAtUs = *created;
    if (!job.payload.empty()) {
        auto check = connection.prepare("SELECT json_valid(?)");
        check.bind(job.payload);
        auto rows = check.query();
        if (!rows.next() || rows.isNull(0) || rows.int64(0) != 1) {
            return invalid(who + "enqueue " + job.id + ": the payload is not valid JSON");
        }
    }
    return std::nullopt;
}

std::optional<Error> validateAttempt(const Session& s, const std::string& id, int attempt, std::string_view operation) {
    const std::string who = prefix(s);
    if (id.empty()) return invalid(who + std::string(operation) + ": no job id");
    if (attempt < 1) {
        return invalid(who + std::string(operation) + " " + id + ": attempt " + std::to_string(attempt) +
                       " was never claimed (attempts start at 1)");
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

// The kind's oldest claimable job that no other claimer holds, locked. Two index range scans (jobs_claim,
// jobs_lease) rather than one OR, so each stops at its first unlocked row however long the backlog is.
std::optional<Candidate> oldestDue(Session& connection, const std::string& kind, std::int64_t nowUs) {
    std::optional<Candidate> best;
    {
        auto queued = connection.prepare(
            "SELECT id, attempts, max_attempts, run_after_us FROM jobs"
            " WHERE kind = ? AND state = 'queued' AND run_after_us <= ? ORDER BY run_after_us, id LIMIT 1" +
            std::string(connection.dialect().skipLocked));
        auto rows = queued.bind(kind, nowUs).query();
        if (rows.next()) {
            best = Candidate{rows.text(0), storage::kJobQueued, static_cast<int>(rows.int64(1)),
                             static_cast<int>(rows.int64(2)), rows.int64(3)};
        }
    }
    auto abandoned = connection.prepare(
        "SELECT id, attempts, max_attempts, lease_expires_us FROM jobs"
        " WHERE kind = ? AND state = 'running' AND lease_expires_us < ? ORDER BY lease_expires_us, id LIMIT 1" +
        std::string(connection.dialect().skipLocked));
    auto rows = abandoned.bind(kind, nowUs).query();
    if (rows.next() && (!best || rows.int64(3) < best->dueUs)) {
        best = Candidate{rows.text(0), storage::kJobRunning, static_cast<int>(rows.int64(1)),
                         static_cast<int>(rows.int64(2)), rows.int64(3)};
    }
    return best;
}

}  // namespace

Expected<storage::JobsRepository::Enqueued> SqlJobsRepository::enqueue(const storage::NewJob& job) {
    return guarded(s_, "enqueue job", [&]() -> Expected<Enqueued> {
        std::int64_t createdAtUs = 0;
        if (auto error = validate(s_, job, createdAtUs)) return *error;
        if (!job.dedupeKey.empty()) {
            if (auto existing = findByDedupeKey(s_, job.kind, job.dedupeKey, false)) {
                return Enqueued{std::move(*existing), false};
            }
        }
        try {
            auto insert = s_.prepare(
                "INSERT INTO jobs (id, kind, payload, owner_id, asset_id, dedupe_key, state, max_attempts,"
                " run_after_us, error, result, created_at, created_at_us, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, '', '', ?, ?, ?)");
            const std::optional<std::string> dedupe = job.dedupeKey.empty() && s_.dialect().nullDedupeKey
                                                          ? std::nullopt
                                                          : std::optional<std::string>(job.dedupeKey);
            insert.bind(job.id, job.kind, job.payload, job.ownerId, job.assetId, dedupe, job.maxAttempts,
                        job.runAfterUs, job.createdAt, createdAtUs, job.createdAt);
            insert.execute();
        } catch (const SqlError& e) {
            // Another writer inserted the same key between our look and our insert (its row is committed, or
            // our insert waited for its transaction): the key is taken either way, so answer its job.
            if (e.failure() != Failure::Conflict || job.dedupeKey.empty()) throw;
            auto existing = findByDedupeKey(s_, job.kind, job.dedupeKey, true);
            if (!existing) throw;
            return Enqueued{std::move(*existing), false};
        }
        auto stored = findJob(s_, job.id);
        if (!stored) return internalError(prefix(s_) + "enqueue " + job.id + ": the inserted job is not there");
        return Enqueued{std::move(*stored), true};
    });
}

Expected<std::optional<JobRecord>> SqlJobsRepository::claim(const std::string& kind, const std::string& worker,
                                                            std::int64_t nowUs, std::int64_t leaseUs) {
    return guarded(s_, "claim job", [&]() -> Expected<std::optional<JobRecord>> {
        if (kind.empty() || worker.empty()) return invalid(prefix(s_) + "claim needs a kind and a worker name");
        if (leaseUs <= 0) return invalid(prefix(s_) + "claim " + kind + ": the lease must be positive");
        const std::string now = formatRfc3339(nowUs);
        // READ COMMITTED when the transaction is our own: the locking reads then lock only the rows they
        // return, not the gaps beside them, so enqueues never wait for a claim.
        return atomically(
            s_,
            [&]() -> Expected<std::optional<JobRecord>> {
                // Each pass either claims a job or fails one that ran out of attempts, so this ends.
                while (auto candidate = oldestDue(s_, kind, nowUs)) {
                    const bool exhausted =
                        candidate->state == storage::kJobRunning && candidate->attempts >= candidate->maxAttempts;
                    std::int64_t changed = 0;
                    if (exhausted) {
                        auto giveUp = s_.prepare(
                            "UPDATE jobs SET state = 'failed', error = ?, lease_owner = '', lease_expires_us = 0,"
                            " updated_at = ?"
                            " WHERE id = ? AND attempts = ? AND state = 'running' AND lease_expires_us < ?");
                        changed =
                            giveUp.bind(kLastAttemptExpired, now, candidate->id, candidate->attempts, nowUs).execute();
                    } else {
                        auto take = s_.prepare(
                            "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?,"
                            " lease_expires_us = ?, progress = 0, updated_at = ?"
                            " WHERE id = ? AND attempts = ? AND state = ?"
                            " AND ((state = 'queued' AND run_after_us <= ?) OR"
                            " (state = 'running' AND lease_expires_us < ?))");
                        changed = take.bind(worker, nowUs + leaseUs, now, candidate->id, candidate->attempts,
                                            candidate->state, nowUs, nowUs)
                                      .execute();
                    }
                    if (changed != 1) {
                        // Impossible while we hold the row lock; looping would pick the same row forever.
                        return internalError(prefix(s_) + "claim " + kind + ": job " + candidate->id +
                                             " changed under its row lock");
                    }
                    if (!exhausted) return findJob(s_, candidate->id);
                }
                return std::optional<JobRecord>();
            },
            true);
    });
}

Expected<bool> SqlJobsRepository::heartbeat(const std::string& id, int attempt, std::int64_t nowUs,
                                            std::int64_t leaseUs) {
    return guarded(s_, "heartbeat job", [&]() -> Expected<bool> {
        if (auto error = validateAttempt(s_, id, attempt, "heartbeat")) return *error;
        if (leaseUs <= 0) return invalid(prefix(s_) + "heartbeat " + id + ": the lease must be positive");
        // Still extended after the lease ran out, as long as nobody claimed the job since: the attempt number,
        // not the clock, is what fences a worker off.
        auto stmt =
            s_.prepare("UPDATE jobs SET lease_expires_us = ? WHERE id = ? AND attempts = ? AND state = 'running'");
        return stmt.bind(nowUs + leaseUs, id, attempt).execute() == 1;
    });
}

Expected<bool> SqlJobsRepository::progress(const std::string& id, int attempt, double progress) {
    return guarded(s_, "record job progress", [&]() -> Expected<bool> {
        if (auto error = validateAttempt(s_, id, attempt, "progress")) return *error;
        if (!std::isfinite(progress) || progress < 0 || progress > 1) {
            return invalid(prefix(s_) + "progress " + id + ": " + std::to_string(progress) + " is not between 0 and 1");
        }
        auto stmt = s_.prepare("UPDATE jobs SET progress = ? WHERE id = ? AND attempts = ? AND state = 'running'");
        return stmt.bind(progress, id, attempt).execute() == 1;
    });
}

Expected<bool> SqlJobsRepository::complete(const std::string& id, int attempt, const std::string& result,
                                           const std::string& updatedAt) {
    return guarded(s_, "complete job", [&]() -> Expected<bool> {
        if (auto error = validateAttempt(s_, id, attempt, "complete")) return *error;
        auto stmt = s_.prepare(
            "UPDATE jobs SET state = 'succeeded', result = ?, error = '', progress = 1, lease_owner = '',"
            " lease_expires_us = 0, updated_at = ? WHERE id = ? AND attempts = ? AND state = 'running'");
        return stmt.bind(result, updatedAt, id, attempt).execute() == 1;
    });
}

Expected<bool> SqlJobsRepository::fail(const std::string& id, int attempt, const std::string& error,
                                       std::optional<std::int64_t> retryAtUs, const std::string& updatedAt) {
    return guarded(s_, "fail job", [&]() -> Expected<bool> {
        if (auto invalidAttempt = validateAttempt(s_, id, attempt, "fail")) return *invalidAttempt;
        // state is assigned before run_after_us and reads attempts, which this statement does not change.
        auto stmt = s_.prepare(
            "UPDATE jobs SET state = CASE WHEN ? IS NOT NULL AND attempts < max_attempts"
            " THEN 'queued' ELSE 'failed' END,"
            " run_after_us = COALESCE(?, run_after_us), error = ?, lease_owner = '', lease_expires_us = 0,"
            " updated_at = ? WHERE id = ? AND attempts = ? AND state = 'running'");
        return stmt.bind(retryAtUs, retryAtUs, error, updatedAt, id, attempt).execute() == 1;
    });
}

Expected<bool> SqlJobsRepository::settleQueued(const std::string& kind, const std::string& dedupeKey,
                                               const std::string& result, const std::string& updatedAt) {
    if (dedupeKey.empty()) return false;
    return guarded(s_, "settle job", [&]() -> Expected<bool> {
        // Through the (kind, dedupe key) unique index; a claimer's SKIP LOCKED passes over the row this locks.
        auto stmt = s_.prepare(
            "UPDATE jobs SET state = 'succeeded', result = ?, error = '', progress = 1, updated_at = ?"
            " WHERE kind = ? AND dedupe_key = ? AND state = 'queued'");
        return stmt.bind(result, updatedAt, kind, dedupeKey).execute() == 1;
    });
}

Expected<std::optional<JobRecord>> SqlJobsRepository::get(const std::string& id) {
    return guarded(s_, "get job", [&]() -> Expected<std::optional<JobRecord>> { return findJob(s_, id); });
}

Expected<std::optional<JobRecord>> SqlJobsRepository::findJobByDedupeKey(const std::string& kind,
                                                                         const std::string& dedupeKey) {
    return guarded(s_, "find job by dedupe key", [&]() -> Expected<std::optional<JobRecord>> {
        // "" is stored as NULL and means "no key": nothing to find.
        if (dedupeKey.empty()) return std::optional<JobRecord>();
        // A plain (snapshot) read, like get(): inside a transaction it sees the transaction's own enqueue.
        return findByDedupeKey(s_, kind, dedupeKey, false);
    });
}

Expected<std::vector<JobRecord>> SqlJobsRepository::list(const std::string& state, int limit,
                                                         const std::string& afterId) {
    return guarded(s_, "list jobs", [&]() -> Expected<std::vector<JobRecord>> {
        if (!state.empty() && state != storage::kJobQueued && state != storage::kJobRunning &&
            state != storage::kJobSucceeded && state != storage::kJobFailed) {
            return invalid(prefix(s_) + "list jobs: unknown state '" + state +
                           "' (queued, running, succeeded or failed)");
        }
        if (limit < 1 || limit > kMaxListLimit) {
            return invalid(prefix(s_) + "list jobs: limit must be between 1 and " + std::to_string(kMaxListLimit) +
                           " (got " + std::to_string(limit) + ")");
        }
        // Keyset: strictly after the cursor job in (created_at_us, id) descending order. Without a cursor,
        // start above every real key.
        std::int64_t cursorUs = std::numeric_limits<std::int64_t>::max();
        std::string cursorId;
        if (!afterId.empty()) {
            auto cursor = s_.prepare("SELECT created_at_us FROM jobs WHERE id = ?");
            auto rows = cursor.bind(afterId).query();
            if (!rows.next()) return invalid(prefix(s_) + "list jobs: the cursor '" + afterId + "' names no job");
            cursorUs = rows.int64(0);
            cursorId = afterId;
        }
        // Spelled out where a row comparison does not become an index range (MySQL).
        const bool rowValues = s_.dialect().rowValueKeyset;
        const std::string keyset =
            rowValues ? "(created_at_us, id) < (?, ?)" : "(created_at_us < ? OR (created_at_us = ? AND id < ?))";
        auto stmt = s_.prepare("SELECT " + std::string(kJobColumns) + " FROM jobs WHERE " +
                               (state.empty() ? "" : "state = ? AND ") + keyset +
                               " ORDER BY created_at_us DESC, id DESC LIMIT ?");
        int index = 0;
        if (!state.empty()) stmt.set(++index, state);
        stmt.set(++index, cursorUs);
        if (!rowValues) stmt.set(++index, cursorUs);
        stmt.set(++index, cursorId);
        stmt.set(++index, limit);
        auto rows = stmt.query();
        std::vector<JobRecord> jobs;
        while (rows.next()) jobs.push_back(readJob(rows));
        return jobs;
    });
}

Expected<std::int64_t> SqlJobsRepository::retryFailed(const std::vector<std::string>& ids, std::int64_t nowUs,
                                                      const std::string& updatedAt) {
    return guarded(s_, "retry failed jobs", [&]() -> Expected<std::int64_t> {
        constexpr std::string_view kRequeue =
            "UPDATE jobs SET state = 'queued', attempts = 0, run_after_us = ?, lease_owner = '',"
            " lease_expires_us = 0, progress = 0, updated_at = ? WHERE state = 'failed'";
        if (ids.empty()) {
            auto stmt = s_.prepare(kRequeue);
            return stmt.bind(nowUs, updatedAt).execute();
        }
        // All or nothing: a list of ids is one admin action.
        return atomically(s_, [&]() -> Expected<std::int64_t> {
            std::int64_t requeued = 0;
            for (const auto& id : ids) {
                auto stmt = s_.prepare(std::string(kRequeue) + " AND id = ?");
                requeued += stmt.bind(nowUs, updatedAt, id).execute();
            }
            return requeued;
        });
    });
}

Expected<std::vector<storage::JobCount>> SqlJobsRepository::counts() {
    return guarded(s_, "count jobs", [&]() -> Expected<std::vector<storage::JobCount>> {
        // Covered by jobs_claim's leading (kind, state) columns.
        auto stmt = s_.prepare("SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state");
        auto rows = stmt.query();
        std::vector<storage::JobCount> counts;
        while (rows.next()) counts.push_back({rows.text(0), rows.text(1), rows.int64(2)});
        return counts;
    });
}

Expected<std::int64_t> SqlJobsRepository::countActive(const std::string& kind) {
    return guarded(s_, "count active jobs", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("SELECT COUNT(*) FROM jobs WHERE kind = ? AND state IN ('queued', 'running')");
        auto rows = stmt.bind(kind).query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

}  // namespace obscura::sql
