#pragma once
// Durable job records (DESIGN.md section 2). Times that the queue computes with are integer microseconds
// since the Unix epoch (UTC), passed in by the caller, so tests can move the clock (lease expiry) at will.
#include <cstdint>
#include <optional>
#include <string>

namespace obscura::storage {

// queued → running → succeeded | failed; running → queued again on a retryable failure or a lost lease.
inline constexpr const char* kJobQueued = "queued";
inline constexpr const char* kJobRunning = "running";
inline constexpr const char* kJobSucceeded = "succeeded";
inline constexpr const char* kJobFailed = "failed";

struct NewJob {
    std::string id;         // UUID, made by the caller
    std::string kind;       // "media.thumbnail", "images.purge"
    std::string payload;    // JSON text
    std::string ownerId;    // user the job works for ("" for system jobs)
    std::string assetId;    // "" when not about one asset
    std::string dedupeKey;  // "" = none; else at most one job per (kind, dedupeKey) ever
    int maxAttempts = 5;
    std::int64_t runAfterUs = 0;
    std::string createdAt;  // RFC 3339
};

struct JobRecord {
    std::string id;
    std::string kind;
    std::string payload;
    std::string ownerId;
    std::string assetId;
    std::string dedupeKey;
    std::string state;
    int attempts = 0;  // claims so far; the current claim's fencing token
    int maxAttempts = 5;
    std::int64_t runAfterUs = 0;
    std::string leaseOwner;
    std::int64_t leaseExpiresUs = 0;
    double progress = 0;
    std::string error;   // last failure reason
    std::string result;  // the one output of a succeeded job
    std::string createdAt;
    std::string updatedAt;
};

struct JobCount {
    std::string kind;
    std::string state;
    std::int64_t count = 0;
};

}  // namespace obscura::storage
