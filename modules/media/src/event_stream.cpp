#include "event_stream.hpp"

#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "obscura/images/events.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura::media {

namespace {
constexpr std::size_t kBacklog = 256;
constexpr auto kHeartbeat = std::chrono::seconds(15);
}  // namespace

class EventHub::Stream final : public ResponseStream {
public:
    Stream(EventHub& hub, std::string userId) : hub_(hub), userId_(std::move(userId)) {
        // The first pull answers at once, so the client sees the stream open (and its headers) immediately.
        queue_.push_back(": connected\n\nretry: 3000\n\n");
    }
    ~Stream() override { hub_.forget(this); }

    void pull(std::function<void(std::optional<std::string>)> deliver) override {
        std::unique_lock lock(mutex_);
        if (!queue_.empty()) {
            std::string chunk = takeAll();
            lock.unlock();
            deliver(std::move(chunk));
            return;
        }
        if (ended_) {
            lock.unlock();
            deliver(std::nullopt);
            return;
        }
        waiting_ = std::move(deliver);
    }

    void cancel() noexcept override { end(); }

    void push(const std::string& frame) {
        std::unique_lock lock(mutex_);
        if (ended_) return;
        if (queue_.size() >= kBacklog) queue_.pop_front();
        queue_.push_back(frame);
        if (!waiting_) return;
        auto deliver = std::move(waiting_);
        waiting_ = nullptr;
        std::string chunk = takeAll();
        lock.unlock();
        deliver(std::move(chunk));
    }

    void end() noexcept {
        std::unique_lock lock(mutex_);
        if (ended_) return;
        ended_ = true;
        auto deliver = std::move(waiting_);
        waiting_ = nullptr;
        lock.unlock();
        if (deliver) deliver(std::nullopt);
    }

    const std::string& userId() const { return userId_; }

private:
    std::string takeAll() {
        std::string out;
        for (auto& f : queue_) out += f;
        queue_.clear();
        return out;
    }

    EventHub& hub_;
    std::string userId_;
    std::mutex mutex_;
    std::deque<std::string> queue_;
    std::function<void(std::optional<std::string>)> waiting_;
    bool ended_ = false;
};

namespace {

template <typename E>
std::string frameOf(const E& event) {
    nlohmann::json data = event;
    return "event: " + std::string(E::kName) + "\ndata: " + data.dump() + "\n\n";
}

}  // namespace

EventHub::EventHub() = default;

EventHub::~EventHub() { stop(); }

void EventHub::start(Bus& bus) {
    subscriptions_.push_back(bus.subscribe<images::DerivativeCreated>(
        "media.events", [this](const images::DerivativeCreated& e) { send(e.ownerId, frameOf(e)); }));
    subscriptions_.push_back(bus.subscribe<images::DerivativeFailed>(
        "media.events", [this](const images::DerivativeFailed& e) { send(e.ownerId, frameOf(e)); }));
    subscriptions_.push_back(bus.subscribe<images::JobProgressed>(
        "media.events", [this](const images::JobProgressed& e) { send(e.ownerId, frameOf(e)); }));
    // The receiver's news, not the sharer's: their stream is the one that learns of it.
    subscriptions_.push_back(bus.subscribe<images::PartnerAdded>(
        "media.events", [this](const images::PartnerAdded& e) { send(e.sharedWithId, frameOf(e)); }));
    // Sharing notices go to the receiver, not the album's owner.
    subscriptions_.push_back(bus.subscribe<images::AlbumShared>(
        "media.events", [this](const images::AlbumShared& e) { send(e.userId, frameOf(e)); }));
    heartbeat_ = std::thread([this] { heartbeatLoop(); });
}

void EventHub::stop() {
    subscriptions_.clear();
    std::vector<std::shared_ptr<Stream>> open;
    {
        std::lock_guard lock(mutex_);
        if (stopped_ && !heartbeat_.joinable()) return;
        stopped_ = true;
        for (auto& [user, weak] : streams_)
            if (auto s = weak.lock()) open.push_back(std::move(s));
    }
    wake_.notify_all();
    if (heartbeat_.joinable()) heartbeat_.join();
    for (auto& s : open) s->end();
}

void EventHub::heartbeatLoop() {
    std::unique_lock lock(mutex_);
    while (!stopped_) {
        if (wake_.wait_for(lock, kHeartbeat, [this] { return stopped_; })) break;
        std::vector<std::shared_ptr<Stream>> open;
        for (auto& [user, weak] : streams_)
            if (auto s = weak.lock()) open.push_back(std::move(s));
        lock.unlock();
        for (auto& s : open) s->push(": keep-alive\n\n");
        open.clear();
        lock.lock();
    }
}

void EventHub::send(const std::string& userId, const std::string& frame) {
    std::vector<std::shared_ptr<Stream>> targets;
    {
        std::lock_guard lock(mutex_);
        auto [begin, end] = streams_.equal_range(userId);
        for (auto it = begin; it != end; ++it)
            if (auto s = it->second.lock()) targets.push_back(std::move(s));
    }
    for (auto& s : targets) s->push(frame);
}

std::size_t EventHub::openStreams() const {
    std::lock_guard lock(mutex_);
    return streams_.size();
}

void EventHub::forget(const Stream* stream) {
    std::lock_guard lock(mutex_);
    for (auto it = streams_.begin(); it != streams_.end(); ++it) {
        auto s = it->second.lock();
        if (!s || s.get() == stream) {
            streams_.erase(it);
            return;
        }
    }
}

Route EventHub::route() {
    return Route{
        .method = Method::Get,
        .pattern = "/api/events",
        .module = "media",
        .summary = "Server-Sent Events of the signed-in user: derivative.created, derivative.failed, job.progressed",
        .handler = [this](Request& req) -> Expected<Response> {
            auto stream = std::make_shared<Stream>(*this, req.principal->userId);
            {
                std::lock_guard lock(mutex_);
                if (stopped_) return unavailable("the server is stopping");
                streams_.emplace(req.principal->userId, stream);
            }
            Response response;
            response.status = 200;
            response.headers.set("Content-Type", "text/event-stream");
            response.headers.set("Cache-Control", "no-cache");
            response.headers.set("X-Accel-Buffering", "no");  // nginx would otherwise hold events back
            response.stream = std::move(stream);
            return response;
        }};
}

}  // namespace obscura::media
