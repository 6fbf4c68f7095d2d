#pragma once
// In-process typed event bus. An event is a struct with `static constexpr std::string_view kName`
// ("asset.created"), serialisable with nlohmann's to_json/from_json so a broker plugin can carry it later.
// Delivery is asynchronous on a worker pool, FIFO per subscriber (one subscriber never runs two events at
// once), and a handler's exception is caught, logged with the subscriber's name and counted in /metrics.
// Events notify; heavy work belongs in a durable job.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace obscura {

class Metrics;

class Bus {
public:
    class Subscription;
    using RawHandler = std::function<void(const void* event)>;

    // threads: delivery workers (at least 1).
    Bus(Metrics& metrics, int threads);
    ~Bus();
    Bus(const Bus&) = delete;
    Bus& operator=(const Bus&) = delete;

    template <typename E>
    [[nodiscard]] Subscription subscribe(std::string subscriber, std::function<void(const E&)> handler) {
        return subscribeRaw(E::kName, std::move(subscriber),
                            [h = std::move(handler)](const void* e) { h(*static_cast<const E*>(e)); });
    }

    // Queues the event for every current subscriber of its name. After stop() events are dropped (counted).
    template <typename E>
    void publish(E event) {
        auto shared = std::make_shared<const E>(std::move(event));
        publishRaw(E::kName, std::shared_ptr<const void>(shared, shared.get()));
    }

    // Stops taking events, delivers everything already queued, then ends the workers. Idempotent.
    void stop();

    // Events queued but not yet handled, over all subscribers (tests, metrics).
    std::size_t pending() const;

    // Unsubscribes on destruction. If the handler is running on another thread, waits for it to finish, so
    // the object it captured may be destroyed right after.
    class Subscription {
    public:
        Subscription() = default;
        Subscription(Subscription&&) noexcept;
        Subscription& operator=(Subscription&&) noexcept;
        ~Subscription();
        void reset();

    private:
        friend class Bus;
        struct State;
        std::shared_ptr<State> state_;
    };

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
    Subscription subscribeRaw(std::string_view event, std::string subscriber, RawHandler handler);
    void publishRaw(std::string_view event, std::shared_ptr<const void> payload);
};

}  // namespace obscura
