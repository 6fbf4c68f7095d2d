#pragma once
// A RabbitMQ broker for the AMQP tests, through scripts/rabbitmq-test-server.sh: the one scripts/test.sh started
// (OBSCURA_TEST_AMQP_URL), or a private one this process starts and stops by its pids. Tests that kill the broker
// always use a private one. Without RabbitMQ installed and no URL given, the binary exits 77 (skipped).
#include <memory>
#include <string>

#include "test_support.hpp"

namespace obscura::test {

class AmqpBrokerProcess {
public:
    AmqpBrokerProcess();  // starts a private broker (REQUIREs it to come up)
    ~AmqpBrokerProcess();
    std::string url() const;
    void kill9();  // SIGKILL to the broker VM: a crash
    void start();  // again, on the same port and node
    void stop();

private:
    TempDir dir_;
    bool running_ = false;
};

// The broker every non-destructive case shares.
std::string sharedAmqpUrl();

}  // namespace obscura::test
