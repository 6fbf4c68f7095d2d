#pragma once
// A real SQLite storage (through the plugin loader, as the server gets it) in a temp dir, migrated for
// the kernel's jobs table, plus the helpers the JobQueue tests share.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "obscura/base/clock.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/storage/storage.hpp"
#include "test_support.hpp"

namespace obscura::jobs_test {

// Opens <dataDir>/obscura.db through the sqlite plugin in OBSCURA_PLUGIN_DIR and migrates "kernel".
std::unique_ptr<storage::Storage> openJobsStorage(const std::string& dataDir);

struct JobsFixture {
    test::TempDir dir;
    std::unique_ptr<storage::Storage> storage = openJobsStorage(dir.path());
    Metrics metrics;
    // Real time: the queue's leases and backoff are waited for with real condition variables.
    SystemClock clock;

    // Enqueues through the outbox path (a transaction and JobQueue::enqueueIn); REQUIREs success.
    storage::JobRecord enqueue(const std::string& kind, const std::string& payload = "{}", int maxAttempts = 5);
    storage::JobRecord job(const std::string& id);
    // A direct repository claim, as another (perhaps doomed) worker would make it.
    std::optional<storage::JobRecord> claimAs(const std::string& kind, const std::string& worker, std::int64_t nowUs,
                                              std::chrono::milliseconds lease);
    bool complete(const std::string& id, int attempt, const std::string& result);
    // The value of one sample line of /metrics ("name{labels}"), or nullopt when absent.
    std::optional<double> metric(const std::string& sample) const;
};

// Polls until pred holds or the timeout passes; answers pred's last value.
bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Options for a test kind: fast polling, short backoff, leases in the hundreds of milliseconds.
JobKindOptions fastKind(const std::string& kind);

}  // namespace obscura::jobs_test
