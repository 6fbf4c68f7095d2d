#include "amqp_broker.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "amqp_confirms.hpp"
#include "amqp_session.hpp"

namespace obscura::bus::amqp {

namespace {

constexpr std::size_t kMaxOutgoing = 10000;  // beyond it publish() refuses: the database relay carries the rest
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr auto kIdleWait = std::chrono::milliseconds(200);

}  // namespace

AmqpBroker::AmqpBroker(AmqpSettings settings, BrokerOptions options)
    : settings_(std::move(settings)), options_(std::move(options)) {
    wakeFd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    thread_ = std::thread([this] { run(); });
}

AmqpBroker::~AmqpBroker() {
    stop();
    if (wakeFd_ >= 0) ::close(wakeFd_);
}

void AmqpBroker::notify() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wakeFd_, &one, sizeof one);
}

bool AmqpBroker::publish(BrokerMessage message, Confirmed done) {
    if (stopping_ || !connected_) return false;
    {
        std::lock_guard lock(mu_);
        if (outgoing_.size() >= kMaxOutgoing) return false;
        outgoing_.push_back(Outgoing{std::move(message), std::move(done)});
    }
    notify();
    return true;
}

void AmqpBroker::stop() {
    if (stopping_.exchange(true)) {
        if (thread_.joinable()) thread_.join();
        return;
    }
    notify();
    if (thread_.joinable()) thread_.join();
}

void AmqpBroker::run() {
    std::mt19937 random{std::random_device{}()};
    auto backoff = kFirstBackoff;
    ConfirmTracker confirms;
    AmqpSession session(settings_);
    const AmqpSession::Handlers handlers{
        [this](BrokerMessage m) {
            if (m.origin != options_.instanceId && options_.deliver) options_.deliver(m);
        },
        [&confirms](std::uint64_t tag, bool multiple) { confirms.ack(tag, multiple); },
        [&confirms](std::uint64_t tag, bool multiple) { confirms.nack(tag, multiple); }};
    bool outageReported = false;  // the relay hears of an outage once, not at every failed reconnect

    const auto lose = [&](const std::string& why) {
        session.close();
        confirms.reset(why);
        std::deque<Outgoing> dropped;
        {
            std::lock_guard lock(mu_);
            dropped.swap(outgoing_);
        }
        for (auto& o : dropped)
            if (o.done) o.done(false, why);
        connected_ = false;
        outageReported = true;
        if (options_.connection) options_.connection(false, why);
    };

    while (!stopping_) {
        if (!session.isOpen()) {
            if (auto opened = session.open(options_.instanceId); !opened) {
                const std::string why = opened.error().message;
                session.close();
                if (!outageReported && options_.connection) options_.connection(false, why);
                if (!outageReported && options_.logWarning) options_.logWarning(why);
                outageReported = true;
                // Exponential backoff with ±20 % jitter, interrupted by stop().
                std::uniform_real_distribution<double> jitter(0.8, 1.2);
                const auto wait =
                    std::chrono::milliseconds(static_cast<long>(static_cast<double>(backoff.count()) * jitter(random)));
                backoff = std::min(backoff * 2, kMaxBackoff);
                pollfd p{wakeFd_, POLLIN, 0};
                ::poll(&p, 1, static_cast<int>(wait.count()));
                std::uint64_t drained = 0;
                [[maybe_unused]] auto n = ::read(wakeFd_, &drained, sizeof drained);
                continue;
            }
            backoff = kFirstBackoff;
            outageReported = false;
            connected_ = true;
            if (options_.logInfo) options_.logInfo("amqp: connected to " + settings_.describe());
            if (options_.connection) options_.connection(true, "connected");
        }

        std::deque<Outgoing> batch;
        {
            std::lock_guard lock(mu_);
            batch.swap(outgoing_);
        }
        bool lost = false;
        while (!batch.empty()) {
            auto o = std::move(batch.front());
            batch.pop_front();
            confirms.track(std::move(o.done));
            if (!session.publish(o.message)) {
                lost = true;
                break;
            }
        }
        if (lost) {
            for (auto& o : batch)
                if (o.done) o.done(false, "connection lost");
            lose("amqp: connection lost while publishing");
            continue;
        }

        if (!session.hasBuffered()) {
            pollfd fds[2] = {{session.fd(), POLLIN, 0}, {wakeFd_, POLLIN, 0}};
            ::poll(fds, 2, static_cast<int>(kIdleWait.count()));
            if (fds[1].revents & POLLIN) {
                std::uint64_t drained = 0;
                [[maybe_unused]] auto n = ::read(wakeFd_, &drained, sizeof drained);
            }
        }
        // Everything already readable, then once more with no wait (which also sends a due heartbeat).
        do {
            if (auto s = session.pump(handlers, std::chrono::milliseconds(0)); !s) {
                lost = true;
                lose(s.error().message);
                break;
            }
        } while (session.hasBuffered());
    }
    session.close();
    confirms.reset("the broker is stopping");
    connected_ = false;
}

Expected<std::unique_ptr<Broker>> AmqpBrokerFactory::open(const BrokerOptions& options) {
    OBSCURA_TRY(settings, parseAmqpSettings(options.settings));
    return std::unique_ptr<Broker>(std::make_unique<AmqpBroker>(std::move(settings), options));
}

}  // namespace obscura::bus::amqp
