#include "amqp_broker_process.hpp"

#include <doctest/doctest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace obscura::test {

namespace {

std::string script() { return sourceDir() + "/scripts/rabbitmq-test-server.sh"; }

void requireRabbitmq() {
    if (!std::filesystem::exists("/usr/lib/rabbitmq/bin/rabbitmq-server")) {
        std::cerr << "integration: AMQP tests skipped: RabbitMQ is not installed and OBSCURA_TEST_AMQP_URL is unset\n";
        std::exit(77);
    }
}

}  // namespace

AmqpBrokerProcess::AmqpBrokerProcess() {
    requireRabbitmq();
    start();
}

AmqpBrokerProcess::~AmqpBrokerProcess() { stop(); }

void AmqpBrokerProcess::start() {
    auto started = run({"bash", script(), "start", dir_.path()}, {}, "", std::chrono::seconds(240));
    REQUIRE_MESSAGE(started.exitCode == 0, started.out << started.err);
    running_ = true;
}

void AmqpBrokerProcess::stop() {
    if (!running_) return;
    run({"bash", script(), "stop", dir_.path()}, {}, "", std::chrono::seconds(60));
    running_ = false;
}

void AmqpBrokerProcess::kill9() {
    const std::string pid = readFile(dir_.path() + "/server.pid");
    REQUIRE(!pid.empty());
    ::kill(std::stoi(pid), SIGKILL);
}

std::string AmqpBrokerProcess::url() const {
    std::string port = readFile(dir_.path() + "/port");
    while (!port.empty() && (port.back() == '\n' || port.back() == ' ')) port.pop_back();
    return "amqp://guest@127.0.0.1:" + port + "/";
}

std::string sharedAmqpUrl() {
    if (const char* url = std::getenv("OBSCURA_TEST_AMQP_URL"); url != nullptr && *url != '\0') return url;
    static AmqpBrokerProcess broker;  // stopped at exit
    return broker.url();
}

}  // namespace obscura::test
