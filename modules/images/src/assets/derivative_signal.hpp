#pragma once
// Wakes requests that wait for a derivative (?wait=N on /thumbnail and /video) when the tracker records one.
// Process-wide because both sides are: the tracker follows the bus, waiters are request handlers. Another
// replica's derivative arrives without a signal here, so waiters also re-read the row at a short interval.
#include <chrono>

namespace obscura::images {

class DerivativeSignal {
public:
    static void notifyAll();
    // Blocks until the next notifyAll() or `timeout`.
    static void waitFor(std::chrono::milliseconds timeout);
    // Waiting holds a request worker: only this many wait at once, the rest answer at once (not_ready).
    static bool tryEnter();
    static void leave();
};

}  // namespace obscura::images
