#pragma once
// GET /api/events: Server-Sent Events for the signed-in user (derivative.created, derivative.failed,
// job.progressed, partner.added). One bus subscription per event name fans out to every open stream of the event's
// owner. Each stream keeps a bounded backlog (a client that stops reading loses the oldest events, never memory), and
// a comment line every 15 s keeps proxies and the idle timeout from closing a quiet stream.
//
// Across replicas (DESIGN §9) every event goes through the kernel's EventRelay: it gets an id from the relay log
// (sent as `id:`, global across replicas), reaches the streams of every replica, and a client that reconnects with
// Last-Event-ID (or ?lastEventId= where it cannot set the header) first gets what it missed that is still kept.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/event_relay.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura::media {

class EventHub {
public:
    EventHub();
    ~EventHub();
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;

    // relay: where events go and come from (null: this process's bus alone, without ids).
    void start(Bus& bus, EventRelay* relay);
    // Ends every open stream (they deliver end-of-stream) and stops the heartbeat.
    void stop();
    Route route();

    // One event (with its id, 0 for none) to every stream of its user.
    void send(const RelayedEvent& event);
    std::size_t openStreams() const;

    class Stream;

private:
    void heartbeatLoop();
    void forget(const Stream* stream);
    template <typename E>
    void publish(const std::string& userId, const E& event);

    mutable std::mutex mutex_;
    std::unordered_multimap<std::string, std::weak_ptr<Stream>> streams_;
    bool stopped_ = false;
    std::condition_variable wake_;
    std::thread heartbeat_;
    std::vector<Bus::Subscription> subscriptions_;
    EventRelay* relay_ = nullptr;
};

}  // namespace obscura::media
