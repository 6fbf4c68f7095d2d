#pragma once
// One AMQP connection and its channel, used from one thread only (librabbitmq's connections are not thread-safe):
// login, confirm.select, the two fanout exchanges, this replica's exclusive queue bound to both, a consumer on it;
// then publishes and reading what arrives — deliveries, and the basic.ack/basic.nack frames of publisher confirms
// (read here, since librabbitmq 0.11 has no amqp_publisher_confirm_wait).
#include <amqp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "amqp_settings.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/bus/broker.hpp"

namespace obscura::bus::amqp {

class AmqpSession {
public:
    struct Handlers {
        std::function<void(BrokerMessage)> deliver;
        std::function<void(std::uint64_t tag, bool multiple)> ack;
        std::function<void(std::uint64_t tag, bool multiple)> nack;
    };

    explicit AmqpSession(AmqpSettings settings) : settings_(std::move(settings)) {}
    ~AmqpSession() { close(); }
    AmqpSession(const AmqpSession&) = delete;
    AmqpSession& operator=(const AmqpSession&) = delete;

    // Connects and declares everything; Unavailable (naming the broker, never the password) when it cannot.
    Status open(const std::string& instanceId);
    bool isOpen() const { return conn_ != nullptr; }
    int fd() const;
    // Frames already read from the socket and not yet handled: poll() on the fd would not see them.
    bool hasBuffered() const;
    // A persistent basic.publish on the topic's exchange; false when the socket refused it (connection lost).
    bool publish(const BrokerMessage& message);
    // Handles at most one frame, waiting up to timeout for it (and sending heartbeats); Unavailable once the
    // connection is lost or the broker closed it.
    Status pump(const Handlers& handlers, std::chrono::milliseconds timeout);
    void close();

private:
    Status check(amqp_rpc_reply_t reply, const std::string& what);
    Status handleFrame(const Handlers& handlers);

    AmqpSettings settings_;
    amqp_connection_state_t conn_ = nullptr;
    bool channelOpen_ = false;
    bool broken_ = false;  // lost: close() only tears down
};

}  // namespace obscura::bus::amqp
