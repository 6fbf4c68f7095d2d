#include "obscura/kernel/bus.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"

namespace obscura {

// One subscriber's queue. `scheduled` is true while it sits in the ready list or a worker runs it, which is
// what makes delivery FIFO and never concurrent for one subscriber.
struct Bus::Subscription::State {
    std::string event;
    std::string subscriber;
    RawHandler handler;
    std::deque<std::shared_ptr<const void>> queue;
    bool scheduled = false;
    bool active = true;
    std::thread::id runningOn{};
    std::weak_ptr<Bus::Impl> bus;
};

struct Bus::Impl : std::enable_shared_from_this<Bus::Impl> {
    mutable std::mutex mu;
    std::condition_variable wake;     // workers: ready list changed or stopping
    std::condition_variable settled;  // a handler finished (unsubscribe and drain wait on it)
    std::multimap<std::string, std::shared_ptr<Subscription::State>, std::less<>> subscribers;
    std::deque<std::shared_ptr<Subscription::State>> ready;
    std::vector<std::thread> workers;
    std::size_t queued = 0;
    std::size_t running = 0;
    bool accepting = true;
    bool stopping = false;

    prometheus::Family<prometheus::Counter>* published = nullptr;
    prometheus::Family<prometheus::Counter>* delivered = nullptr;
    prometheus::Family<prometheus::Counter>* failures = nullptr;
    prometheus::Counter* dropped = nullptr;

    void workerLoop() {
        std::unique_lock lock(mu);
        while (true) {
            wake.wait(lock, [&] { return !ready.empty() || stopping; });
            if (ready.empty()) return;  // stopping with nothing left
            auto sub = ready.front();
            ready.pop_front();
            if (sub->queue.empty() || !sub->active) {
                queued -= sub->queue.size();
                sub->queue.clear();
                sub->scheduled = false;
                settled.notify_all();
                continue;
            }
            auto event = std::move(sub->queue.front());
            sub->queue.pop_front();
            --queued;
            ++running;
            sub->runningOn = std::this_thread::get_id();
            lock.unlock();
            deliver(*sub, event.get());
            lock.lock();
            sub->runningOn = {};
            --running;
            if (!sub->queue.empty() && sub->active) {
                ready.push_back(sub);
                wake.notify_one();
            } else {
                sub->scheduled = false;
            }
            settled.notify_all();
        }
    }

    void deliver(Subscription::State& sub, const void* event) {
        try {
            sub.handler(event);
            delivered->Add({{"event", sub.event}, {"subscriber", sub.subscriber}}).Increment();
        } catch (const std::exception& e) {
            failures->Add({{"event", sub.event}, {"subscriber", sub.subscriber}}).Increment();
            log::error("bus: subscriber " + sub.subscriber + " failed on " + sub.event + ": " + e.what());
        } catch (...) {
            failures->Add({{"event", sub.event}, {"subscriber", sub.subscriber}}).Increment();
            log::error("bus: subscriber " + sub.subscriber + " failed on " + sub.event + " (non-standard exception)");
        }
    }
};

Bus::Bus(Metrics& metrics, int threads) : impl_(std::make_shared<Impl>()) {
    auto& reg = metrics.registry();
    impl_->published = &prometheus::BuildCounter()
                            .Name("obscura_bus_events_published_total")
                            .Help("Events published, by name")
                            .Register(reg);
    impl_->delivered = &prometheus::BuildCounter()
                            .Name("obscura_bus_events_delivered_total")
                            .Help("Events handled successfully, by name and subscriber")
                            .Register(reg);
    impl_->failures = &prometheus::BuildCounter()
                           .Name("obscura_bus_handler_failures_total")
                           .Help("Handlers that threw, by event and subscriber")
                           .Register(reg);
    impl_->dropped = &prometheus::BuildCounter()
                          .Name("obscura_bus_events_dropped_total")
                          .Help("Events published after the bus stopped")
                          .Register(reg)
                          .Add({});
    for (int i = 0; i < std::max(1, threads); ++i)
        impl_->workers.emplace_back([impl = impl_.get()] { impl->workerLoop(); });
}

Bus::~Bus() { stop(); }

void Bus::stop() {
    std::unique_lock lock(impl_->mu);
    if (impl_->workers.empty()) return;
    impl_->accepting = false;
    // Drain: everything queued before stop() is delivered, unless its subscription went away.
    impl_->settled.wait(lock, [&] { return impl_->queued == 0 && impl_->running == 0; });
    impl_->stopping = true;
    impl_->wake.notify_all();
    auto workers = std::move(impl_->workers);
    impl_->workers.clear();
    lock.unlock();
    for (auto& t : workers) t.join();
}

std::size_t Bus::pending() const {
    std::lock_guard lock(impl_->mu);
    return impl_->queued;
}

Bus::Subscription Bus::subscribeRaw(std::string_view event, std::string subscriber, RawHandler handler) {
    auto state = std::make_shared<Subscription::State>();
    state->event = std::string(event);
    state->subscriber = std::move(subscriber);
    state->handler = std::move(handler);
    state->bus = impl_;
    {
        std::lock_guard lock(impl_->mu);
        impl_->subscribers.emplace(state->event, state);
    }
    Subscription s;
    s.state_ = std::move(state);
    return s;
}

void Bus::publishRaw(std::string_view event, std::shared_ptr<const void> payload) {
    std::lock_guard lock(impl_->mu);
    if (!impl_->accepting) {
        impl_->dropped->Increment();
        return;
    }
    impl_->published->Add({{"event", std::string(event)}}).Increment();
    auto [first, last] = impl_->subscribers.equal_range(event);
    for (auto it = first; it != last; ++it) {
        auto& sub = it->second;
        sub->queue.push_back(payload);
        ++impl_->queued;
        if (!sub->scheduled) {
            sub->scheduled = true;
            impl_->ready.push_back(sub);
            impl_->wake.notify_one();
        }
    }
}

Bus::Subscription::Subscription(Subscription&& o) noexcept : state_(std::move(o.state_)) {}
Bus::Subscription& Bus::Subscription::operator=(Subscription&& o) noexcept {
    if (this != &o) {
        reset();
        state_ = std::move(o.state_);
    }
    return *this;
}
Bus::Subscription::~Subscription() { reset(); }

void Bus::Subscription::reset() {
    if (!state_) return;
    auto state = std::move(state_);
    auto impl = state->bus.lock();
    if (!impl) return;
    std::unique_lock lock(impl->mu);
    state->active = false;
    impl->queued -= state->queue.size();
    state->queue.clear();
    for (auto [it, end] = impl->subscribers.equal_range(state->event); it != end; ++it) {
        if (it->second == state) {
            impl->subscribers.erase(it);
            break;
        }
    }
    // A handler unsubscribing itself must not wait for itself.
    if (state->runningOn != std::this_thread::get_id())
        impl->settled.wait(lock, [&] { return state->runningOn == std::thread::id{}; });
    impl->settled.notify_all();
}

}  // namespace obscura
