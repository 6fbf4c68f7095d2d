#pragma once
// A message broker that carries what replicas tell each other (DESIGN §9): events for users' streams and job
// wake-ups. Loaded from obscura_bus_<name>.so (plugin_abi.hpp) when bus.broker names one; the database's event
// relay stays the truth and the fallback, so a broker that loses a message (or is down) delays it at worst by the
// relay's poll interval. No exception leaves a plugin: every call answers a Status or a bool.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::bus {

// One message between replicas. topic "event" carries a relayed event (body: its JSON envelope), "wake" a job
// kind whose idle workers should look for work now.
struct BrokerMessage {
    std::string topic;
    std::string origin;  // the sending replica's instance id: a replica ignores its own messages
    std::string body;
};

struct BrokerOptions {
    std::string instanceId;                         // this replica; names its exclusive queue
    std::map<std::string, std::string> settings;    // bus.<name>.* without the prefix ("url", "password", …)
    std::function<void(std::string_view)> logInfo;  // never given a secret
    std::function<void(std::string_view)> logWarning;
    // Called on the broker's own thread for every message from another replica, in the order received.
    std::function<void(const BrokerMessage&)> deliver;
    // Called on the broker's own thread when the connection comes up (true) or goes away (false), with why.
    std::function<void(bool up, std::string_view why)> connection;
};

// Whether the broker took a message for good: called once per publish on the broker's thread (a publisher confirm,
// a nack, or a connection lost before the confirm).
using Confirmed = std::function<void(bool ok, std::string_view why)>;

class Broker {
public:
    virtual ~Broker() = default;
    virtual std::string_view name() const = 0;
    // Hands the message to the broker's thread, which publishes it persistently and reports through done (may be
    // null). False, without calling done, when it cannot be taken now (not connected, queue full, stopping).
    virtual bool publish(BrokerMessage message, Confirmed done) = 0;
    virtual bool connected() const = 0;
    // Ends the connection and the broker's thread; no callback runs after it returns. Idempotent.
    virtual void stop() = 0;
};

class BrokerFactory {
public:
    virtual ~BrokerFactory() = default;
    // Starts connecting in the background (reconnecting with backoff for as long as the broker lives); an Error
    // only for settings that can never work (a malformed URL).
    virtual Expected<std::unique_ptr<Broker>> open(const BrokerOptions& options) = 0;
};

}  // namespace obscura::bus
