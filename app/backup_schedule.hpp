#pragma once
// Scheduled backups in the server (server.backup.*, DESIGN §13). Every replica keeps a small timer; at each slot of
// the schedule it enqueues one durable job "server.backup" whose dedupe key is the slot ("at most one job per key,
// ever"), so however many replicas share the database exactly one job exists per slot, and the job queue's lease
// makes exactly one replica run it (another takes over if that one dies: the handler is idempotent). The job
// writes <server.backup.dir>/obscura-backup-<slot, UTC> (backup.hpp) and then keeps the newest
// server.backup.keep complete backups, removing older ones.
//
// Schedules: "" or "off"; "every N{s,m,h,d}" (slots aligned to the Unix epoch: "every 6h" = 00:00, 06:00, … UTC);
// "daily HH:MM" (UTC). A slot that began while no replica ran is made up at the next start.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura {

class Clock;
class Config;
class JobQueue;
class Metrics;
namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
}

struct BackupSchedule {
    enum class Kind { Off, Every, Daily };
    Kind kind = Kind::Off;
    std::int64_t periodSeconds = 0;  // Every
    int minuteOfDay = 0;             // Daily, UTC

    // Invalid, naming server.backup.schedule and the accepted forms, for anything else.
    static Expected<BackupSchedule> parse(std::string_view text);
    // The start (UTC µs) of the slot nowUs falls in. Not for Off.
    std::int64_t slotStartUs(std::int64_t nowUs) const;
};

// "20261206T030000Z": a slot's name, in the job's dedupe key and the backup folder's name.
std::string backupSlotName(std::int64_t slotUs);

class BackupScheduler {
public:
    static constexpr std::string_view kJobKind = "server.backup";

    // nullptr when server.backup.schedule is off; Invalid for a bad schedule or an empty server.backup.dir. Registers
    // the job kind: call before jobs.start().
    static Expected<std::unique_ptr<BackupScheduler>> create(const Config& config, storage::Storage& storage,
                                                             blobs::BlobStore& blobs, JobQueue& jobs, Metrics& metrics,
                                                             const Clock& clock, const std::string& dataDir);
    ~BackupScheduler();
    BackupScheduler(const BackupScheduler&) = delete;
    BackupScheduler& operator=(const BackupScheduler&) = delete;

    void start();  // the timer thread
    void stop();   // idempotent

private:
    struct Impl;
    explicit BackupScheduler(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace obscura
