#pragma once
// Automatic purge of the trash after images.trashDays: a thread that, at start, every hour, and whenever
// poked, permanently deletes what has been in the trash longer than that (the files through durable jobs).
// With several replicas each purges; a row is deleted once (deleteAsset only while still trashed) and its
// file job is deduplicated by asset id, so that is harmless.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace obscura {
class Clock;
}

namespace obscura::images {

class AssetService;

class TrashPurger {
public:
    TrashPurger(AssetService& assets, int trashDays, const Clock& clock,
                std::chrono::milliseconds interval = std::chrono::hours(1));
    ~TrashPurger();
    TrashPurger(const TrashPurger&) = delete;
    TrashPurger& operator=(const TrashPurger&) = delete;

    void start();
    // Runs a purge soon (after a trash when trashDays is 0, so "0 = at once" holds).
    void poke();
    void stop();

    int trashDays() const { return trashDays_; }

private:
    void run();

    AssetService& assets_;
    const int trashDays_;
    const Clock& clock_;
    const std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool poked_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace obscura::images
