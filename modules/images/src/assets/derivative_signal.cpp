#include "assets/derivative_signal.hpp"

#include <condition_variable>
#include <mutex>

namespace obscura::images {

namespace {
constexpr int kMaxWaiters = 4;
std::mutex gMutex;
std::condition_variable gChanged;
unsigned long gGeneration = 0;
int gWaiters = 0;
}  // namespace

void DerivativeSignal::notifyAll() {
    {
        std::lock_guard lock(gMutex);
        ++gGeneration;
    }
    gChanged.notify_all();
}

void DerivativeSignal::waitFor(std::chrono::milliseconds timeout) {
    std::unique_lock lock(gMutex);
    const unsigned long seen = gGeneration;
    gChanged.wait_for(lock, timeout, [seen] { return gGeneration != seen; });
}

bool DerivativeSignal::tryEnter() {
    std::lock_guard lock(gMutex);
    if (gWaiters >= kMaxWaiters) return false;
    ++gWaiters;
    return true;
}

void DerivativeSignal::leave() {
    std::lock_guard lock(gMutex);
    --gWaiters;
}

}  // namespace obscura::images
