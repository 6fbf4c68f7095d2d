#include "jobs_fixture.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <thread>

#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "storage_loader.hpp"

namespace obscura::jobs_test {

std::unique_ptr<storage::Storage> openJobsStorage(const std::string& dataDir) {
    static const auto plugin = loadStoragePlugin("sqlite", OBSCURA_PLUGIN_DIR);
    REQUIRE_MESSAGE(plugin.ok(), plugin.error().message);
    storage::StorageOptions options;
    options.dataDir = dataDir;
    options.poolSize = 8;
    auto opened = openStorage(*plugin, options);
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    auto migrated = (*opened)->migrate("kernel");
    REQUIRE_MESSAGE(migrated.ok(), migrated.error().message);
    return std::move(*opened);
}

storage::JobRecord JobsFixture::enqueue(const std::string& kind, const std::string& payload, int maxAttempts) {
    storage::NewJob job;
    job.id = newUuid();
    job.kind = kind;
    job.payload = payload;
    job.maxAttempts = maxAttempts;
    storage::JobRecord stored;
    auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(record, JobQueue::enqueueIn(repos, job, clock));
        stored = std::move(record);
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return stored;
}

storage::JobRecord JobsFixture::job(const std::string& id) {
    std::optional<storage::JobRecord> found;
    auto status = storage->run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(record, repos.jobs().get(id));
        found = std::move(record);
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    REQUIRE_MESSAGE(found.has_value(), "job " << id << " is missing");
    return *found;
}

std::optional<storage::JobRecord> JobsFixture::claimAs(const std::string& kind, const std::string& worker,
                                                       std::int64_t nowUs, std::chrono::milliseconds lease) {
    std::optional<storage::JobRecord> claimed;
    auto status = storage->run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(record, repos.jobs().claim(kind, worker, nowUs, lease.count() * 1000));
        claimed = std::move(record);
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return claimed;
}

bool JobsFixture::complete(const std::string& id, int attempt, const std::string& result) {
    bool accepted = false;
    auto status = storage->run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(ok, repos.jobs().complete(id, attempt, result, formatRfc3339(clock.nowUs())));
        accepted = ok;
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return accepted;
}

std::optional<double> JobsFixture::metric(const std::string& sample) const {
    std::istringstream lines(metrics.serialize());
    std::string line;
    while (std::getline(lines, line)) {
        if (line.size() > sample.size() && line.compare(0, sample.size(), sample) == 0 && line[sample.size()] == ' ') {
            return std::stod(line.substr(sample.size() + 1));
        }
    }
    return std::nullopt;
}

bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

JobKindOptions fastKind(const std::string& kind) {
    JobKindOptions options;
    options.kind = kind;
    options.workers = 2;
    options.maxAttempts = 3;
    options.baseBackoff = std::chrono::milliseconds(40);
    options.maxBackoff = std::chrono::milliseconds(1000);
    options.lease = std::chrono::milliseconds(300);
    options.pollInterval = std::chrono::milliseconds(20);
    return options;
}

}  // namespace obscura::jobs_test
