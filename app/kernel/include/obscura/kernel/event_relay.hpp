#pragma once
// Events across replicas (DESIGN §9). What a client waits for (derivative.*, job.progressed, album.shared,
// partner.added, …) is appended to the database's relay log where it is published — the log gives it an id that
// is global across replicas — then handed to this replica's listeners (its event streams) at once. Every replica
// tails the log (a cheap read by increasing id every bus.relay.pollMs) and hands on what the others wrote, in id
// order; a broker (bus.broker=amqp) carries the same events at once, and the log stays the truth and the fallback:
// whichever path brings an id first delivers it, the other is ignored. Job wake-ups travel the same way, so an
// idle worker on another replica starts at once; the job rows stay the truth.
//
// With one process on SQLite nothing changes for clients: the tail only ever finds this replica's own events.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/circuit_breaker.hpp"
#include "obscura/base/expected.hpp"

namespace obscura {

class Clock;
class Metrics;
namespace storage {
class Storage;
}
namespace bus {
class Broker;
struct BrokerMessage;
}  // namespace bus

struct RelayedEvent {
    std::int64_t id = 0;  // the relay log's; 0 when the database could not be written (delivered here only)
    std::string userId;
    std::string name;
    std::string data;              // JSON text
    std::int64_t createdAtUs = 0;  // when it was published (the delivery-latency histogram)
};

struct EventRelayOptions {
    std::string instanceId;
    std::chrono::milliseconds pollInterval{100};         // while no broker carries events (or it is down)
    std::chrono::milliseconds brokerPollInterval{1000};  // the safety net while the broker is up
    std::chrono::seconds retention{300};                 // how long events stay for Last-Event-ID
    // An id missing below ids already read may belong to a transaction that has not committed yet: it is waited for
    // this long before the tail moves past it.
    std::chrono::milliseconds gapWait{2000};
    int breakerThreshold = 3;
    std::chrono::milliseconds breakerCooldown{5000};
};

class EventRelay {
public:
    using Listener = std::function<void(const RelayedEvent&)>;
    using JobWaker = std::function<void(const std::string& kind)>;

    EventRelay(storage::Storage& storage, Metrics& metrics, const Clock& clock, EventRelayOptions options);
    ~EventRelay();
    EventRelay(const EventRelay&) = delete;
    EventRelay& operator=(const EventRelay&) = delete;

    // Before start(): who receives events (this replica's and the others'), and who wakes local job workers.
    void addListener(Listener listener);
    void setJobWaker(JobWaker waker);
    // Before start(): the broker that carries events and wake-ups at once (null: the database alone). The broker's
    // deliver/connection callbacks must call fromBroker()/brokerConnection().
    void attachBroker(bus::Broker* broker, std::string name);
    // The broker's circuit breaker once attached (null without a broker), for the CircuitRegistry.
    const CircuitBreaker* breaker() const;
    void start();
    // Ends the tail; listeners are not called after it returns. Idempotent.
    void stop();

    // Logs the event, delivers it to this replica's listeners (in id order with every other publish here) and
    // sends it to the other replicas. Never fails: without the database it is delivered here only.
    RelayedEvent publish(const std::string& userId, const std::string& name, const std::string& data);
    // Tells the other replicas that jobs of this kind are waiting (after the enqueue committed).
    void announceJobs(const std::string& kind);
    // One user's events after afterId that are still kept, oldest first (a reconnecting stream's backlog).
    Expected<std::vector<RelayedEvent>> backlog(const std::string& userId, std::int64_t afterId);

    // Broker callbacks (the broker's thread).
    void fromBroker(const bus::BrokerMessage& message);
    void brokerConnection(bool up, std::string_view why);

    struct Health {
        std::string broker;  // "none" or the plugin's name
        bool brokerUp = false;
        CircuitState circuit = CircuitState::Closed;
        std::string detail;  // one line for /readyz
    };
    Health health() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The broker body of an event (id, time, user, name, data on lines; data is JSON and holds no raw newline) and back.
std::string encodeRelayedEvent(const RelayedEvent& event);
std::optional<RelayedEvent> decodeRelayedEvent(std::string_view body);

}  // namespace obscura
