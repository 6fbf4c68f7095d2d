#include "event_stream.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

#include "obscura/images/events.hpp"
#include "obscura/kernel/http_types.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::media {

namespace {
constexpr std::size_t kBacklog = 256;
constexpr auto kHeartbeat = std::chrono::seconds(15);

std::string frameOf(const RelayedEvent& e) {
    std::string frame = e.id > 0 ? "id: " + std::to_string(e.id) + "\n" : std::string();
    return frame + "event: " + e.name + "\ndata: " + e.data + "\n\n";
}

// The id a reconnecting client last saw: the Last-Event-ID header its EventSource sends, or ?lastEventId= for a
// client that opens a fresh EventSource on another replica (browsers send the header only on their own retries).
std::optional<std::int64_t> lastEventId(const Request& req) {
    auto text = req.headers.get("Last-Event-ID");
    if (!text || text->empty()) text = req.queryParam("lastEventId");
    if (!text || text->empty()) return std::nullopt;
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), id);
    if (ec != std::errc() || end != text->data() + text->size() || id < 0) return std::nullopt;
    return id;
}

}  // namespace

class EventHub::Stream final : public ResponseStream {
public:
    Stream(EventHub& hub, std::string userId, bool replaying)
        : hub_(hub), userId_(std::move(userId)), replaying_(replaying) {
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

    // A comment (keep-alive): no id.
    void push(const std::string& frame) {
        std::unique_lock lock(mutex_);
        enqueue(frame);
        flush(lock);
    }

    // An event: while the backlog is being replayed it waits behind it. Live events are NOT filtered by the highest
    // id sent: ids are the relay's, given in commit order across replicas, so another replica's event can arrive
    // after a higher id published here (the relay's claim() already drops a second delivery of one id). Only ids
    // the client had before it connected (Last-Event-ID) or got from the replayed backlog are dropped.
    void pushEvent(std::int64_t id, const std::string& frame) {
        std::unique_lock lock(mutex_);
        if (replaying_) {
            held_.emplace_back(id, frame);
            return;
        }
        if (id > 0 && id <= replayedUpTo_) return;
        enqueue(frame);
        flush(lock);
    }

    // The backlog a reconnecting client missed (ids ascending), then whatever arrived live meanwhile.
    void finishReplay(const std::vector<RelayedEvent>& backlog) {
        std::unique_lock lock(mutex_);
        replaying_ = false;
        std::int64_t newest = replayedUpTo_;
        for (const auto& e : backlog) {
            if (e.id <= replayedUpTo_) continue;
            newest = std::max(newest, e.id);
            enqueue(frameOf(e));
        }
        replayedUpTo_ = newest;
        for (auto& [id, frame] : held_) {
            if (id > 0 && id <= replayedUpTo_) continue;
            enqueue(frame);
        }
        held_.clear();
        flush(lock);
    }

    void setLastId(std::int64_t id) {
        std::lock_guard lock(mutex_);
        replayedUpTo_ = id;
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
    void enqueue(const std::string& frame) {
        if (ended_) return;
        if (queue_.size() >= kBacklog) queue_.pop_front();
        queue_.push_back(frame);
    }

    void flush(std::unique_lock<std::mutex>& lock) {
        if (!waiting_ || queue_.empty()) return;
        auto deliver = std::move(waiting_);
        waiting_ = nullptr;
        std::string chunk = takeAll();
        lock.unlock();
        deliver(std::move(chunk));
    }

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
    bool replaying_ = false;
    std::int64_t replayedUpTo_ = 0;  // the client has every id up to here (Last-Event-ID, then the backlog)
    std::vector<std::pair<std::int64_t, std::string>> held_;
};

EventHub::EventHub() = default;

EventHub::~EventHub() { stop(); }

template <typename E>
void EventHub::publish(const std::string& userId, const E& event) {
    const std::string data = nlohmann::json(event).dump();
    if (relay_ != nullptr) {
        relay_->publish(userId, std::string(E::kName), data);  // the relay hands it to send() with its id
        return;
    }
    send(RelayedEvent{0, userId, std::string(E::kName), data, 0});
}

void EventHub::start(Bus& bus, EventRelay* relay) {
    relay_ = relay;
    if (relay_ != nullptr) relay_->addListener([this](const RelayedEvent& e) { send(e); });
    subscriptions_.push_back(bus.subscribe<images::DerivativeCreated>(
        "media.events", [this](const images::DerivativeCreated& e) { publish(e.ownerId, e); }));
    subscriptions_.push_back(bus.subscribe<images::DerivativeFailed>(
        "media.events", [this](const images::DerivativeFailed& e) { publish(e.ownerId, e); }));
    subscriptions_.push_back(bus.subscribe<images::JobProgressed>(
        "media.events", [this](const images::JobProgressed& e) { publish(e.ownerId, e); }));
    // The receiver's news, not the sharer's: their stream is the one that learns of it.
    subscriptions_.push_back(bus.subscribe<images::PartnerAdded>(
        "media.events", [this](const images::PartnerAdded& e) { publish(e.sharedWithId, e); }));
    // Sharing notices go to the receiver, not the album's owner.
    subscriptions_.push_back(bus.subscribe<images::AlbumShared>(
        "media.events", [this](const images::AlbumShared& e) { publish(e.userId, e); }));
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

void EventHub::send(const RelayedEvent& event) {
    std::vector<std::shared_ptr<Stream>> targets;
    {
        std::lock_guard lock(mutex_);
        auto [begin, end] = streams_.equal_range(event.userId);
        for (auto it = begin; it != end; ++it)
            if (auto s = it->second.lock()) targets.push_back(std::move(s));
    }
    if (targets.empty()) return;
    const std::string frame = frameOf(event);
    for (auto& s : targets) s->pushEvent(event.id, frame);
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
    return Route{.method = Method::Get,
                 .pattern = "/api/events",
                 .module = "media",
                 .summary =
                     "Server-Sent Events of the signed-in user (derivative.*, job.progressed, partner.added, "
                     "album.shared) with ids; Last-Event-ID (or ?lastEventId=) resumes after a reconnect",
                 .handler = [this](Request& req) -> Expected<Response> {
                     const auto resumeAfter = relay_ != nullptr ? lastEventId(req) : std::nullopt;
                     const std::string& userId = req.principal->userId;
                     auto stream = std::make_shared<Stream>(*this, userId, resumeAfter.has_value());
                     {
                         std::lock_guard lock(mutex_);
                         if (stopped_) return unavailable("the server is stopping");
                         streams_.emplace(userId, stream);
                     }
                     if (resumeAfter) {
                         // Registered first, so nothing published meanwhile is lost; it waits behind the backlog.
                         stream->setLastId(*resumeAfter);
                         auto missed = relay_->backlog(userId, *resumeAfter);
                         if (!missed)
                             log::warn("events: cannot replay after id " + std::to_string(*resumeAfter) + ": " +
                                       missed.error().message);
                         stream->finishReplay(missed ? *missed : std::vector<RelayedEvent>{});
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
