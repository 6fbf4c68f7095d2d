#pragma once
// Two replicas in one test: two Apps on one data dir and one database (SQLite's file, or with
// OBSCURA_TEST_STORAGE=mysql one MariaDB database), and the event streams a browser would hold on each.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app.hpp"
#include "http_client.hpp"
#include "test_support.hpp"

namespace obscura::test {

struct ReplicaPair {
    TempDir dir;
    std::unique_ptr<App> a;
    std::unique_ptr<App> b;
    explicit ReplicaPair(const std::map<std::string, std::string>& extra = {});
    std::string dataDir() const { return dir.path() + "/data"; }
};

// GET /api/events on a raw connection; lastEventId >= 0 sends it as Last-Event-ID.
std::unique_ptr<RawConnection> openStream(int port, const std::string& access, std::int64_t lastEventId = -1);

// One event as the stream carried it.
struct StreamEvent {
    std::int64_t id = 0;
    std::string name;
    std::string data;
};

// Reads a stream, keeping what is not yet a whole event for the next call.
class StreamReader {
public:
    explicit StreamReader(RawConnection& c) : c_(c) {}
    // Reads for up to `wait`, answers the complete events that arrived.
    std::vector<StreamEvent> read(std::chrono::milliseconds wait);
    // Reads until an event satisfies pred or the time is up; answers every event read.
    template <typename Pred>
    std::vector<StreamEvent> until(Pred pred, std::chrono::seconds timeout) {
        std::vector<StreamEvent> all;
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            for (auto& e : read(std::chrono::milliseconds(5))) {  // short reads: the latencies measured are real
                all.push_back(e);
                if (pred(e)) return all;
            }
        }
        return all;
    }

private:
    RawConnection& c_;
    std::string buffer_;
};

}  // namespace obscura::test
