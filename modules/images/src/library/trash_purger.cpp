#include "library/trash_purger.hpp"

#include "assets/asset_service.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::images {

namespace {
constexpr std::int64_t kDayUs = 86400LL * 1000000;
}

TrashPurger::TrashPurger(AssetService& assets, int trashDays, const Clock& clock, std::chrono::milliseconds interval)
    : assets_(assets), trashDays_(trashDays), clock_(clock), interval_(interval) {}

TrashPurger::~TrashPurger() { stop(); }

void TrashPurger::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable() || stopping_) return;
    thread_ = std::thread([this] { run(); });
}

void TrashPurger::poke() {
    {
        std::lock_guard lock(mutex_);
        poked_ = true;
    }
    wake_.notify_one();
}

void TrashPurger::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void TrashPurger::run() {
    while (true) {
        // Strictly before the cutoff: with 0 days, everything trashed until now.
        const std::int64_t cutoff = clock_.nowUs() - static_cast<std::int64_t>(trashDays_) * kDayUs + (trashDays_ == 0);
        auto purged = assets_.purgeTrashedBefore(cutoff);
        if (!purged) {
            log::warn("images: trash purge failed (retried at the next run): " + purged.error().message);
        } else if (*purged > 0) {
            log::info("images: purged " + std::to_string(*purged) + " assets trashed more than " +
                      std::to_string(trashDays_) + " days ago");
        }
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, interval_, [this] { return stopping_ || poked_; });
        if (stopping_) return;
        poked_ = false;
    }
}

}  // namespace obscura::images
