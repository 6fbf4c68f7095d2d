#include "library/bandwidth_meter.hpp"

#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

void BandwidthMeter::add(const std::string& ownerId, std::int64_t bytes) {
    if (bytes <= 0) return;
    Key key{ownerId, utcMonth(clock_.nowUs())};
    std::lock_guard lock(mutex_);
    pending_[std::move(key)] += bytes;
}

Status BandwidthMeter::flush() {
    std::map<Key, std::int64_t> batch;
    {
        std::lock_guard lock(mutex_);
        batch.swap(pending_);
    }
    if (batch.empty()) return {};
    Status result;
    for (const auto& [key, bytes] : batch) {
        auto added = storage_.run(
            [&](storage::Repositories& repos) { return repos.images().addBandwidth(key.first, key.second, bytes); });
        if (!added) {
            std::lock_guard lock(mutex_);
            pending_[key] += bytes;  // kept for the next round
            result = std::move(added);
        }
    }
    return result;
}

void BandwidthMeter::start() {
    std::lock_guard guard(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            wake_.wait_for(lock, interval_, [this] { return stopping_; });
            lock.unlock();
            if (auto flushed = flush(); !flushed)
                log::warn("images: bandwidth counts not written yet (kept for the next try): " +
                          flushed.error().message);
            lock.lock();
        }
    });
}

void BandwidthMeter::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (auto flushed = flush(); !flushed)
        log::warn("images: bandwidth counts lost at shutdown: " + flushed.error().message);
}

}  // namespace obscura::images
