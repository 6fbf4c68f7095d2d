#include "amqp_confirms.hpp"

#include <vector>

namespace obscura::bus::amqp {

void ConfirmTracker::track(Confirmed done) { pending_.emplace(next_++, std::move(done)); }

void ConfirmTracker::ack(std::uint64_t tag, bool multiple) { settle(tag, multiple, true, ""); }

void ConfirmTracker::nack(std::uint64_t tag, bool multiple) { settle(tag, multiple, false, "the broker nacked it"); }

void ConfirmTracker::settle(std::uint64_t tag, bool multiple, bool ok, std::string_view why) {
    // Taken out first: a callback may publish again (and so touch pending_).
    std::vector<Confirmed> due;
    if (multiple) {
        const auto end = pending_.upper_bound(tag);
        for (auto it = pending_.begin(); it != end; ++it) due.push_back(std::move(it->second));
        pending_.erase(pending_.begin(), end);
    } else if (auto it = pending_.find(tag); it != pending_.end()) {
        due.push_back(std::move(it->second));
        pending_.erase(it);
    }
    for (auto& done : due)
        if (done) done(ok, why);
}

void ConfirmTracker::reset(std::string_view why) {
    auto due = std::move(pending_);
    pending_.clear();
    next_ = 1;
    for (auto& [tag, done] : due)
        if (done) done(false, why);
}

}  // namespace obscura::bus::amqp
