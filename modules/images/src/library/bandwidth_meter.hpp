#pragma once
// Bytes served, per owner and UTC month, added up in memory and written to the repository in one batch per
// interval. Every thumbnail of a grid is a download: a database write for each would queue them all behind
// SQLite's single writer (and behind uploads' transactions) for a number nobody reads to the byte. A crash
// loses at most one interval's count; stop() writes what is left.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "obscura/base/expected.hpp"

namespace obscura {
class Clock;
}
namespace obscura::storage {
class Storage;
}

namespace obscura::images {

class BandwidthMeter {
public:
    BandwidthMeter(storage::Storage& storage, const Clock& clock,
                   std::chrono::milliseconds interval = std::chrono::seconds(1))
        : storage_(storage), clock_(clock), interval_(interval) {}
    ~BandwidthMeter() { stop(); }
    BandwidthMeter(const BandwidthMeter&) = delete;
    BandwidthMeter& operator=(const BandwidthMeter&) = delete;

    // Counts bytes for the owner in the current UTC month. Never blocks on the database.
    void add(const std::string& ownerId, std::int64_t bytes);
    // Writes everything counted so far; what fails stays counted for the next flush.
    Status flush();

    void start();
    // Stops the background writer and flushes. Idempotent.
    void stop();

private:
    using Key = std::pair<std::string, std::string>;  // owner, "yyyy-mm"

    storage::Storage& storage_;
    const Clock& clock_;
    std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<Key, std::int64_t> pending_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace obscura::images
