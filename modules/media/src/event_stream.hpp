#pragma once
// GET /api/events: Server-Sent Events for the signed-in user (derivative.created, derivative.failed,
// job.progressed, partner.added). One bus subscription per event name fans out to every open stream of the event's
// owner. Each stream keeps a bounded backlog (a client that stops reading loses the oldest events, never memory), and
// a comment line every 15 s keeps proxies and the idle timeout from closing a quiet stream.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura::media {

class EventHub {
public:
    EventHub();
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;

    void start(Bus& bus);
    // Ends every open stream (they deliver end-of-stream) and stops the heartbeat.
    void stop();
    Route route();

    // One formatted event ("event: …\ndata: …\n\n") to every stream of `userId`.
    void send(const std::string& userId, const std::string& frame);
    std::size_t openStreams() const;

    class Stream;

private:
    void heartbeatLoop();
    void forget(const Stream* stream);

    mutable std::mutex mutex_;
    std::unordered_multimap<std::string, std::weak_ptr<Stream>> streams_;
    bool stopped_ = false;
    std::condition_variable wake_;
    std::thread heartbeat_;
    std::vector<Bus::Subscription> subscriptions_;
};

}  // namespace obscura::media
