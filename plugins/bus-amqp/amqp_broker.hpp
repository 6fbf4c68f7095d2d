#pragma once
// The AMQP broker (bus.broker=amqp): one thread owns the connection (librabbitmq is not thread-safe). Publishes are
// queued to it and an eventfd wakes it, so a message leaves at once; it reads deliveries and publisher confirms,
// sends heartbeats, and after a lost connection fails the unconfirmed publishes and reconnects with exponential
// backoff (100 ms doubling to 5 s, with jitter) for as long as it lives.
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "amqp_settings.hpp"
#include "obscura/bus/broker.hpp"

namespace obscura::bus::amqp {

class AmqpBroker final : public Broker {
public:
    AmqpBroker(AmqpSettings settings, BrokerOptions options);
    ~AmqpBroker() override;

    std::string_view name() const override { return "amqp"; }
    bool publish(BrokerMessage message, Confirmed done) override;
    bool connected() const override { return connected_; }
    void stop() override;

private:
    struct Outgoing {
        BrokerMessage message;
        Confirmed done;
    };
    void run();
    void notify();

    AmqpSettings settings_;
    BrokerOptions options_;
    int wakeFd_ = -1;
    std::mutex mu_;
    std::deque<Outgoing> outgoing_;
    std::atomic<bool> connected_{false};
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

class AmqpBrokerFactory final : public BrokerFactory {
public:
    Expected<std::unique_ptr<Broker>> open(const BrokerOptions& options) override;
};

}  // namespace obscura::bus::amqp
