#include "backup_schedule.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "backup.hpp"
#include "backup_manifest.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura {

namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kDaySeconds = 86'400;
constexpr const char* kFolderPrefix = "obscura-backup-";

Error badSchedule(std::string_view text) {
    return invalid(
        "server.backup.schedule '" + std::string(text) +
        "' is not a schedule: use \"off\", \"every N{s,m,h,d}\" (e.g. \"every 6h\") or \"daily HH:MM\" (UTC)");
}

// Keeps the newest `keep` complete backups in dir (names sort by time), removing older ones.
void prune(const std::string& dir, std::int64_t keep) {
    std::vector<std::string> complete;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(kFolderPrefix, 0) == 0 && fs::exists(entry.path() / kManifestName, ec)) complete.push_back(name);
    }
    std::sort(complete.begin(), complete.end());
    for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < complete.size(); ++i) {
        fs::remove_all(fs::path(dir) / complete[i], ec);
        if (ec) log::warn("backup: cannot remove the old backup " + complete[i] + ": " + ec.message());
    }
}

}  // namespace

Expected<BackupSchedule> BackupSchedule::parse(std::string_view text) {
    BackupSchedule schedule;
    if (text.empty() || text == "off") return schedule;
    const std::string s(text);
    long long n = 0;
    char unit = 0;
    int hour = 0, minute = 0;
    char extra = 0;
    if (std::sscanf(s.c_str(), "every %lld%c%c", &n, &unit, &extra) == 2 && n > 0) {
        const std::int64_t scale = unit == 's'   ? 1
                                   : unit == 'm' ? 60
                                   : unit == 'h' ? 3600
                                   : unit == 'd' ? kDaySeconds
                                                 : 0;
        if (scale == 0 || n > 366 * kDaySeconds / scale) return badSchedule(text);
        schedule.kind = Kind::Every;
        schedule.periodSeconds = n * scale;
        return schedule;
    }
    if (std::sscanf(s.c_str(), "daily %d:%d%c", &hour, &minute, &extra) == 2 && hour >= 0 && hour < 24 && minute >= 0 &&
        minute < 60 && s.size() == 11) {
        schedule.kind = Kind::Daily;
        schedule.minuteOfDay = hour * 60 + minute;
        return schedule;
    }
    return badSchedule(text);
}

std::int64_t BackupSchedule::slotStartUs(std::int64_t nowUs) const {
    const std::int64_t nowSeconds = nowUs / kUsPerSecond;
    if (kind == Kind::Every) return nowSeconds / periodSeconds * periodSeconds * kUsPerSecond;
    const std::int64_t today = nowSeconds / kDaySeconds * kDaySeconds + std::int64_t{minuteOfDay} * 60;
    return (today <= nowSeconds ? today : today - kDaySeconds) * kUsPerSecond;
}

std::string backupSlotName(std::int64_t slotUs) {
    const std::time_t seconds = static_cast<std::time_t>(slotUs / kUsPerSecond);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

struct BackupScheduler::Impl {
    BackupSchedule schedule;
    std::string dir;
    std::int64_t keep = 7;
    std::string dataDir;
    storage::Storage* storage = nullptr;
    blobs::BlobStore* blobs = nullptr;
    JobQueue* jobs = nullptr;
    const Clock* clock = nullptr;
    prometheus::Gauge* lastSuccess = nullptr;
    prometheus::Counter* failures = nullptr;

    std::mutex mu;
    std::condition_variable wake;
    bool stopping = false;
    std::thread timer;
    std::int64_t lastSlotUs = -1;

    // How often the timer looks at the clock: a fraction of the period, at most 30 s.
    std::chrono::milliseconds tick() const {
        const std::int64_t period = schedule.kind == BackupSchedule::Kind::Every ? schedule.periodSeconds : kDaySeconds;
        return std::chrono::milliseconds(std::clamp<std::int64_t>(period * 1000 / 4, 250, 30'000));
    }

    void enqueueIfDue() {
        const std::int64_t slot = schedule.slotStartUs(clock->nowUs());
        if (slot == lastSlotUs) return;
        storage::NewJob job;
        job.id = newUuid();
        job.kind = std::string(kJobKind);
        job.payload = "{}";
        job.dedupeKey = backupSlotName(slot);
        job.maxAttempts = 3;
        const auto enqueued = storage->transaction([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(record, JobQueue::enqueueIn(repos, job, *clock));
            (void)record;
            return {};
        });
        if (!enqueued) {
            log::warn("backup: cannot enqueue the backup of slot " + job.dedupeKey + ": " + enqueued.error().message);
            return;  // tried again at the next tick
        }
        lastSlotUs = slot;
        jobs->wake(job.kind);
    }

    Expected<std::string> run(JobContext& context) {
        const std::string folder = dir + "/" + kFolderPrefix + context.job().dedupeKey;
        std::error_code ec;
        if (fs::exists(fs::path(folder) / kManifestName, ec)) return std::string("already written: " + folder);
        fs::remove_all(folder, ec);  // an attempt that died part-way
        auto summary = writeBackup(*storage, *blobs, folder, dataDir, *clock);
        if (!summary) {
            failures->Increment();
            log::error("backup: scheduled backup into " + folder + " failed: " + summary.error().message);
            return summary.error();
        }
        lastSuccess->Set(static_cast<double>(clock->nowUs()) / kUsPerSecond);
        prune(dir, keep);
        log::info(summary->describe().substr(0, summary->describe().size() - 1));
        return summary->describe();
    }
};

BackupScheduler::BackupScheduler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BackupScheduler::~BackupScheduler() { stop(); }

Expected<std::unique_ptr<BackupScheduler>> BackupScheduler::create(const Config& config, storage::Storage& storage,
                                                                   blobs::BlobStore& blobs, JobQueue& jobs,
                                                                   Metrics& metrics, const Clock& clock,
                                                                   const std::string& dataDir) {
    OBSCURA_TRY(schedule, BackupSchedule::parse(config.getString("server.backup.schedule")));
    if (schedule.kind == BackupSchedule::Kind::Off) return std::unique_ptr<BackupScheduler>();
    auto impl = std::make_unique<Impl>();
    impl->schedule = schedule;
    impl->dir = config.getString("server.backup.dir");
    if (impl->dir.empty()) return invalid("server.backup.schedule is set but server.backup.dir is empty");
    std::error_code ec;
    impl->dir = fs::absolute(impl->dir, ec).lexically_normal().string();
    impl->keep = config.getInt("server.backup.keep");
    impl->dataDir = dataDir;
    impl->storage = &storage;
    impl->blobs = &blobs;
    impl->jobs = &jobs;
    impl->clock = &clock;
    impl->lastSuccess = &prometheus::BuildGauge()
                             .Name("obscura_backup_last_success_timestamp_seconds")
                             .Help("When this replica last finished a scheduled backup (Unix seconds; 0 = never)")
                             .Register(metrics.registry())
                             .Add({});
    impl->failures = &prometheus::BuildCounter()
                          .Name("obscura_backup_failures_total")
                          .Help("Scheduled backup attempts that failed on this replica")
                          .Register(metrics.registry())
                          .Add({});
    Impl* raw = impl.get();
    JobKindOptions options;
    options.kind = std::string(kJobKind);
    options.workers = 1;
    options.maxAttempts = 3;
    options.baseBackoff = std::chrono::seconds(30);
    OBSCURA_TRY_STATUS(jobs.registerKind(options, [raw](JobContext& context) { return raw->run(context); }));
    return std::unique_ptr<BackupScheduler>(new BackupScheduler(std::move(impl)));
}

void BackupScheduler::start() {
    Impl& d = *impl_;
    d.timer = std::thread([&d] {
        std::unique_lock lock(d.mu);
        while (!d.stopping) {
            lock.unlock();
            d.enqueueIfDue();
            lock.lock();
            d.wake.wait_for(lock, d.tick(), [&] { return d.stopping; });
        }
    });
}

void BackupScheduler::stop() {
    if (!impl_) return;
    {
        std::lock_guard lock(impl_->mu);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    if (impl_->timer.joinable()) impl_->timer.join();
}

}  // namespace obscura
