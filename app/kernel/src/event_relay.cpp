#include "obscura/kernel/event_relay.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "obscura/base/clock.hpp"
#include "obscura/bus/broker.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura {

namespace {

constexpr int kTailBatch = 1000;
constexpr int kBacklogLimit = 1000;
constexpr auto kPruneEvery = std::chrono::seconds(30);
constexpr std::string_view kWakeEvent = "job.wake";

std::int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

RelayedEvent fromRecord(const storage::RelayEventRecord& r) { return {r.id, r.userId, r.name, r.data, r.createdAtUs}; }

}  // namespace

std::string encodeRelayedEvent(const RelayedEvent& e) {
    return std::to_string(e.id) + "\n" + std::to_string(e.createdAtUs) + "\n" + e.userId + "\n" + e.name + "\n" +
           e.data;
}

std::optional<RelayedEvent> decodeRelayedEvent(std::string_view body) {
    std::string_view parts[4];
    for (auto& part : parts) {
        const auto nl = body.find('\n');
        if (nl == std::string_view::npos) return std::nullopt;
        part = body.substr(0, nl);
        body.remove_prefix(nl + 1);
    }
    RelayedEvent e;
    auto number = [](std::string_view text, std::int64_t& out) {
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        return ec == std::errc() && end == text.data() + text.size();
    };
    if (!number(parts[0], e.id) || !number(parts[1], e.createdAtUs) || parts[3].empty()) return std::nullopt;
    e.userId = std::string(parts[2]);
    e.name = std::string(parts[3]);
    e.data = std::string(body);
    return e;
}

struct EventRelay::Impl {
    storage::Storage& storage;
    const Clock& clock;
    EventRelayOptions options;
    std::vector<Listener> listeners;
    JobWaker waker;
    bus::Broker* broker = nullptr;
    std::string brokerName = "none";
    Metrics& metrics;
    std::unique_ptr<CircuitBreaker> breaker;  // with a broker only

    std::mutex publishMu;   // append + local delivery: this replica's listeners see its events in id order
    std::mutex dispatchMu;  // one delivery at a time, whichever path brought it
    std::mutex mu;          // the tail's state below
    std::condition_variable wake;
    std::int64_t cursor = -1;     // every id <= cursor is handled (or given up); -1 until read from the database
    std::set<std::int64_t> seen;  // ids > cursor already handled
    std::int64_t gapSinceMs = 0;  // when the tail first waited for the id after cursor
    bool stopping = false;
    std::thread tail;
    std::atomic<bool> brokerUp{false};
    std::string brokerWhy = "not connected yet";

    prometheus::Family<prometheus::Counter>& events;
    prometheus::Histogram::BucketBoundaries buckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5};
    prometheus::Family<prometheus::Histogram>& latency;

    Impl(storage::Storage& s, Metrics& m, const Clock& c, EventRelayOptions o)
        : storage(s),
          clock(c),
          options(std::move(o)),
          metrics(m),
          events(prometheus::BuildCounter()
                     .Name("obscura_relay_events_total")
                     .Help("Events relayed between replicas, by path (published here, received from the database or "
                           "the broker)")
                     .Register(m.registry())),
          latency(prometheus::BuildHistogram()
                      .Name("obscura_relay_delivery_seconds")
                      .Help("Time from an event's publication on another replica to its delivery here, by path")
                      .Register(m.registry())) {}

    bool brokerHealthy() const { return broker != nullptr && brokerUp && breaker->state() == CircuitState::Closed; }

    // Whether the id is new; marks it handled. Ids at or below the cursor were handled or given up.
    bool claim(std::int64_t id) {
        std::lock_guard lock(mu);
        if (cursor >= 0 && id <= cursor) return false;
        return seen.insert(id).second;
    }

    void dispatch(const RelayedEvent& event, std::string_view path) {
        std::lock_guard lock(dispatchMu);
        if (event.name == kWakeEvent) {
            if (waker) waker(event.data);
            return;
        }
        events.Add({{"path", std::string(path)}}).Increment();
        if (event.createdAtUs > 0) {
            const double seconds = static_cast<double>(clock.nowUs() - event.createdAtUs) / 1e6;
            latency.Add({{"path", std::string(path)}}, buckets).Observe(std::max(0.0, seconds));
        }
        for (const auto& listener : listeners) listener(event);
    }

    // Moves the cursor over every handled id; over a missing one only once it has been missing for gapWait.
    void advance() {
        std::lock_guard lock(mu);
        while (!seen.empty()) {
            if (*seen.begin() <= cursor) {
                seen.erase(seen.begin());
                continue;
            }
            if (*seen.begin() == cursor + 1) {
                seen.erase(seen.begin());
                ++cursor;
                gapSinceMs = 0;
                continue;
            }
            const auto now = steadyMs();
            if (gapSinceMs == 0) gapSinceMs = now;
            if (now - gapSinceMs < options.gapWait.count()) break;
            // Rolled-back appends, pruned rows, or ones that stayed uncommitted too long: not waited for any more.
            cursor = *seen.begin() - 1;
            gapSinceMs = 0;
        }
    }

    bool readCursor() {
        std::int64_t latest = 0;
        auto s = storage.run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(id, r.relay().latestId());
            latest = id;
            return {};
        });
        if (!s) return false;
        std::lock_guard lock(mu);
        cursor = latest;
        return true;
    }

    void pollOnce() {
        std::int64_t from = 0;
        {
            std::lock_guard lock(mu);
            from = cursor;
        }
        std::vector<storage::RelayEventRecord> rows;
        auto s = storage.run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(found, r.relay().after(from, kTailBatch));
            rows = std::move(found);
            return {};
        });
        if (!s) {
            log::warn("relay: reading the event log failed: " + s.error().message);
            return;
        }
        for (const auto& row : rows) {
            if (!claim(row.id)) continue;
            if (row.origin == options.instanceId) continue;  // delivered here when it was published
            dispatch(fromRecord(row), "database");
        }
        advance();
    }

    void prune() {
        const auto before =
            clock.nowUs() - std::chrono::duration_cast<std::chrono::microseconds>(options.retention).count();
        auto s = storage.run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(pruned, r.relay().prune(before));
            (void)pruned;
            return {};
        });
        if (!s) log::warn("relay: pruning the event log failed: " + s.error().message);
    }

    // The breaker follows the connection even when nothing is published: a tick while disconnected counts as a
    // failure, a tick connected as a probe's success.
    void tickBreaker() {
        if (broker == nullptr) return;
        if (breaker->allow()) {
            if (brokerUp)
                breaker->success();
            else
                breaker->failure();
        }
    }

    void tailLoop() {
        auto lastPrune = std::chrono::steady_clock::now() - kPruneEvery;
        while (true) {
            const auto interval = brokerHealthy() ? options.brokerPollInterval : options.pollInterval;
            {
                std::unique_lock lock(mu);
                if (wake.wait_for(lock, interval, [&] { return stopping; })) return;
            }
            tickBreaker();
            bool known = false;
            {
                std::lock_guard lock(mu);
                known = cursor >= 0;
            }
            if (!known && !readCursor()) continue;
            pollOnce();
            if (std::chrono::steady_clock::now() - lastPrune >= kPruneEvery) {
                lastPrune = std::chrono::steady_clock::now();
                prune();
            }
        }
    }

    void sendToBroker(bus::BrokerMessage message) {
        if (broker == nullptr || !brokerUp) return;
        if (!breaker->allow()) return;  // open: the database carries it
        const bool taken = broker->publish(std::move(message), [this](bool ok, std::string_view why) {
            if (ok) {
                breaker->success();
            } else {
                breaker->failure();
                log::warn("relay: the broker did not confirm a message: " + std::string(why));
            }
        });
        if (!taken) breaker->failure();
    }
};

EventRelay::EventRelay(storage::Storage& storage, Metrics& metrics, const Clock& clock, EventRelayOptions options)
    : impl_(std::make_unique<Impl>(storage, metrics, clock, std::move(options))) {}

EventRelay::~EventRelay() { stop(); }

void EventRelay::addListener(Listener listener) { impl_->listeners.push_back(std::move(listener)); }

void EventRelay::setJobWaker(JobWaker waker) { impl_->waker = std::move(waker); }

void EventRelay::attachBroker(bus::Broker* broker, std::string name) {
    auto& d = *impl_;
    d.broker = broker;
    d.brokerName = std::move(name);
    // Exported as obscura_circuit_state{dependency} by the CircuitRegistry the App registers it in (breaker()).
    d.breaker = std::make_unique<CircuitBreaker>(d.brokerName, d.options.breakerThreshold, d.options.breakerCooldown);
}

const CircuitBreaker* EventRelay::breaker() const { return impl_->breaker.get(); }

void EventRelay::start() {
    if (impl_->tail.joinable()) return;
    impl_->readCursor();
    impl_->tail = std::thread([impl = impl_.get()] { impl->tailLoop(); });
}

void EventRelay::stop() {
    {
        std::lock_guard lock(impl_->mu);
        impl_->stopping = true;
    }
    impl_->wake.notify_all();
    if (impl_->tail.joinable()) impl_->tail.join();
}

RelayedEvent EventRelay::publish(const std::string& userId, const std::string& name, const std::string& data) {
    auto& d = *impl_;
    storage::RelayEventRecord record;
    record.origin = d.options.instanceId;
    record.userId = userId;
    record.name = name;
    record.data = data;
    record.createdAtUs = d.clock.nowUs();
    RelayedEvent event{0, userId, name, data, record.createdAtUs};
    {
        std::lock_guard lock(d.publishMu);
        auto s = d.storage.run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(id, r.relay().append(record));
            event.id = id;
            return {};
        });
        if (!s) log::warn("relay: " + name + " reaches this replica only: " + s.error().message);
        if (event.id > 0) d.claim(event.id);
        d.events.Add({{"path", "published"}}).Increment();
        std::lock_guard dispatch(d.dispatchMu);
        for (const auto& listener : d.listeners) listener(event);
    }
    d.sendToBroker(bus::BrokerMessage{"event", d.options.instanceId, encodeRelayedEvent(event)});
    return event;
}

void EventRelay::announceJobs(const std::string& kind) {
    auto& d = *impl_;
    if (d.brokerHealthy()) {
        d.sendToBroker(bus::BrokerMessage{"wake", d.options.instanceId, kind});
        return;
    }
    storage::RelayEventRecord record;
    record.origin = d.options.instanceId;
    record.name = std::string(kWakeEvent);
    record.data = kind;
    record.createdAtUs = d.clock.nowUs();
    auto s = d.storage.run([&](storage::Repositories& r) -> Status {
        OBSCURA_TRY(id, r.relay().append(record));
        (void)id;
        return {};
    });
    if (!s) log::warn("relay: cannot announce " + kind + " jobs to other replicas: " + s.error().message);
}

Expected<std::vector<RelayedEvent>> EventRelay::backlog(const std::string& userId, std::int64_t afterId) {
    std::vector<RelayedEvent> out;
    OBSCURA_TRY_STATUS(impl_->storage.run([&](storage::Repositories& r) -> Status {
        OBSCURA_TRY(rows, r.relay().afterForUser(userId, afterId, kBacklogLimit));
        for (const auto& row : rows) out.push_back(fromRecord(row));
        return {};
    }));
    return out;
}

void EventRelay::fromBroker(const bus::BrokerMessage& message) {
    auto& d = *impl_;
    if (message.origin == d.options.instanceId) return;
    if (message.topic == "wake") {
        if (d.waker) d.waker(message.body);
        return;
    }
    auto event = decodeRelayedEvent(message.body);
    if (!event) {
        log::warn("relay: ignored a malformed event from the broker");
        return;
    }
    // Id 0: the sender could not write the log, so the broker is its only path: deliver without deduplication.
    if (event->id > 0 && !d.claim(event->id)) return;
    d.dispatch(*event, "broker");
}

void EventRelay::brokerConnection(bool up, std::string_view why) {
    auto& d = *impl_;
    {
        std::lock_guard lock(d.mu);
        d.brokerWhy = std::string(why);
    }
    d.brokerUp = up;
    if (d.breaker == nullptr) return;
    if (up) {
        d.breaker->success();
        log::info("relay: broker " + d.brokerName + " connected");
    } else {
        d.breaker->failure();
        log::warn("relay: broker " + d.brokerName + " is away (" + std::string(why) +
                  "); events and job wake-ups go through the database");
    }
    d.wake.notify_all();  // poll at the faster rate from now on
}

EventRelay::Health EventRelay::health() const {
    auto& d = *impl_;
    Health h;
    h.broker = d.brokerName;
    h.brokerUp = d.broker != nullptr && d.brokerUp;
    h.circuit = d.breaker ? d.breaker->state() : CircuitState::Closed;
    if (d.broker == nullptr) {
        h.detail = "events relay through the database";
    } else if (h.brokerUp && h.circuit == CircuitState::Closed) {
        h.detail = "events relay through " + d.brokerName + " and the database";
    } else {
        std::lock_guard lock(d.mu);
        h.detail = d.brokerName + " unavailable (" + d.brokerWhy + ", circuit " +
                   std::string(circuitStateName(h.circuit)) + "); events relay through the database";
    }
    return h;
}

}  // namespace obscura
