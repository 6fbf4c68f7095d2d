#include "test_server.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::test {
namespace {

// A blob reader over a string, handing out at most `step` bytes per read (as a network stream would), each read
// taking `delay` (a remote store's fetch blocks like this).
class StringBlobReader final : public blobs::BlobReader {
public:
    StringBlobReader(std::string bytes, std::size_t step, std::chrono::milliseconds delay = {})
        : bytes_(std::move(bytes)), step_(step), delay_(delay) {
        info_.size = bytes_.size();
    }
    const blobs::BlobInfo& info() const override { return info_; }
    std::uint64_t remaining() const override { return bytes_.size() - position_; }
    Expected<std::size_t> read(char* buffer, std::size_t capacity) override {
        if (delay_.count() > 0) std::this_thread::sleep_for(delay_);
        const std::size_t n = std::min({capacity, step_, bytes_.size() - position_});
        std::memcpy(buffer, bytes_.data() + position_, n);
        position_ += n;
        return n;
    }

private:
    std::string bytes_;
    std::size_t step_;
    std::chrono::milliseconds delay_;
    std::size_t position_ = 0;
    blobs::BlobInfo info_;
};

class RecordingSink final : public BodySink {
public:
    explicit RecordingSink(std::shared_ptr<Observed> observed) : observed_(std::move(observed)) {}
    Status write(std::string_view chunk) override {
        std::lock_guard lock(observed_->mu);
        observed_->sinkData.append(chunk);
        return {};
    }
    Status finish() override {
        {
            std::lock_guard lock(observed_->mu);
            ++observed_->sinksFinished;
        }
        observed_->notify();
        return {};
    }
    void abort() noexcept override {
        {
            std::lock_guard lock(observed_->mu);
            ++observed_->sinksAborted;
        }
        observed_->notify();
    }

private:
    std::shared_ptr<Observed> observed_;
};

// Delivers the given chunks, then ends.
class FiniteStream final : public ResponseStream {
public:
    explicit FiniteStream(std::vector<std::string> chunks) : chunks_(std::move(chunks)) {}
    void pull(std::function<void(std::optional<std::string>)> deliver) override {
        if (next_ < chunks_.size()) {
            deliver(chunks_[next_++]);
        } else {
            deliver(std::nullopt);
        }
    }
    void cancel() noexcept override {}

private:
    std::vector<std::string> chunks_;
    std::size_t next_ = 0;
};

// `first` once, then either nothing until cancelled (quiet) or an endless supply of 16 KiB chunks (firehose).
class OpenStream final : public ResponseStream {
public:
    OpenStream(std::shared_ptr<Observed> observed, bool firehose)
        : observed_(std::move(observed)), firehose_(firehose) {}
    void pull(std::function<void(std::optional<std::string>)> deliver) override {
        if (!sentFirst_) {
            sentFirst_ = true;
            deliver(std::string("data: hello\n\n"));
        } else if (firehose_) {
            deliver(std::string(16 * 1024, 'x'));
        } else {
            std::lock_guard lock(mu_);
            waiting_ = std::move(deliver);  // an event source with nothing to say yet
        }
    }
    void cancel() noexcept override {
        {
            std::lock_guard lock(mu_);
            waiting_ = nullptr;
        }
        {
            std::lock_guard lock(observed_->mu);
            ++observed_->streamsCancelled;
        }
        observed_->notify();
    }

private:
    std::shared_ptr<Observed> observed_;
    bool firehose_;
    bool sentFirst_ = false;
    std::mutex mu_;
    std::function<void(std::optional<std::string>)> waiting_;
};

std::uint64_t queryNumber(const Request& request, std::string_view name, std::uint64_t fallback) {
    const auto value = request.queryParam(name);
    return value ? std::stoull(std::string(*value)) : fallback;
}

Principal principal(std::string userId, std::string username, bool isAdmin) {
    Principal p;
    p.userId = std::move(userId);
    p.username = std::move(username);
    p.isAdmin = isAdmin;
    return p;
}

}  // namespace

Expected<Principal> FakeAuthenticator::authenticate(const Request& request) {
    ++started;
    const auto header = request.headers.get("Authorization");
    Expected<Principal> result = Error(ErrorCode::Unauthenticated, "missing credentials");
    if (header == "Bearer user-token") {
        result = principal("user-1", "alice", false);
    } else if (header == "Bearer admin-token") {
        result = principal("admin-1", "root", true);
    } else if (header == "Bearer slow-token") {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        result = principal("user-1", "alice", false);
    } else if (header) {
        result = Error(ErrorCode::Unauthenticated, "invalid token");
    }
    ++completed;
    return result;
}

bool Observed::waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu);
    return changed.wait_for(lock, timeout, pred);
}

void Observed::notify() { changed.notify_all(); }

HttpServerOptions testOptions() {
    HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.ioThreads = 2;
    o.workerThreads = 4;
    o.headerTimeout = std::chrono::seconds(2);
    o.idleTimeout = std::chrono::seconds(5);
    o.bodyGrace = std::chrono::seconds(1);
    o.minBodyBytesPerSecond = 1000;
    o.writeTimeout = std::chrono::seconds(5);
    o.drainTime = std::chrono::seconds(5);
    o.maxIgnoredBodyBytes = 4096;
    o.accessLog = false;
    return o;
}

const std::string& TestServer::fileContent() {
    static const std::string content = patternBytes(300 * 1024);
    return content;
}

TestServer::TestServer(HttpServerOptions options, bool withAuthenticator)
    : auth_(std::make_shared<FakeAuthenticator>()), observed_(std::make_shared<Observed>()) {
    log::configure("warn", "json");
    char path[] = "/tmp/obscura-http-test-XXXXXX";
    const int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    filePath_ = path;
    std::ofstream(filePath_, std::ios::binary) << fileContent();
    if (withAuthenticator) services_.put<Authenticator>(auth_);
    addRoutes();
    server_ = std::make_unique<HttpServer>(std::move(options), router_, services_, metrics_);
    auto started = server_->start();
    REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error().message));
}

TestServer::~TestServer() {
    server_->stop();
    ::unlink(filePath_.c_str());
}

void TestServer::addRoutes() {
    auto observed = observed_;
    const auto add = [this](Method method, std::string pattern, AuthPolicy auth, Handler handler,
                            const std::function<void(Route&)>& adjust = nullptr) {
        Route route;
        route.method = method;
        route.pattern = std::move(pattern);
        route.auth = auth;
        route.handler = std::move(handler);
        if (adjust) adjust(route);
        auto added = router_.add(std::move(route));
        REQUIRE_MESSAGE(added.ok(), (added.ok() ? "" : added.error().message));
    };
    const auto text = [](std::string body) { return Response::text(200, std::move(body)); };
    using A = AuthPolicy;

    add(Method::Get, "/hello", A::Anonymous, [text](Request&) -> Expected<Response> { return text("hello world"); });
    add(Method::Get, "/items/{id}", A::Anonymous,
        [text](Request& r) -> Expected<Response> { return text("item:" + std::string(r.param("id"))); });
    add(Method::Get, "/items/statistics", A::Anonymous,
        [text](Request&) -> Expected<Response> { return text("statistics"); });
    add(
        Method::Post, "/echo", A::User, [text](Request& r) -> Expected<Response> { return text(std::move(r.body)); },
        [](Route& r) {
            r.body = BodyKind::Buffered;
            r.maxBodyBytes = 1024;
        });
    add(Method::Get, "/me", A::User, [text](Request& r) -> Expected<Response> { return text(r.principal->userId); });
    add(Method::Get, "/admin", A::Admin, [text](Request&) -> Expected<Response> { return text("admin area"); });
    add(
        Method::Post, "/upload", A::User,
        [observed, text](Request&) -> Expected<Response> {
            std::lock_guard lock(observed->mu);
            ++observed->uploadHandlerCalls;
            return text(std::to_string(observed->sinkData.size()));
        },
        [observed](Route& r) {
            r.body = BodyKind::Streamed;
            r.maxBodyBytes = 8 << 20;
            r.makeSink = [observed](Request&) -> Expected<std::shared_ptr<BodySink>> {
                {
                    std::lock_guard lock(observed->mu);
                    ++observed->sinksCreated;
                }
                return std::shared_ptr<BodySink>(std::make_shared<RecordingSink>(observed));
            };
        });
    add(Method::Get, "/boom", A::Anonymous,
        [](Request&) -> Expected<Response> { throw std::runtime_error("secret detail /etc/passwd"); });
    add(Method::Get, "/slow", A::Anonymous, [observed, text](Request& r) -> Expected<Response> {
        {
            std::lock_guard lock(observed->mu);
            observed->slowHandlerStarted = true;
        }
        observed->notify();
        std::this_thread::sleep_for(std::chrono::milliseconds(queryNumber(r, "ms", 1000)));
        return text("done");
    });
    // A read-and-render route (Route::compute): holds its thread until the test releases it.
    add(
        Method::Get, "/compute", A::User,
        [observed, text](Request&) -> Expected<Response> {
            std::unique_lock lock(observed->mu);
            observed->computeMostRunning = std::max(observed->computeMostRunning, ++observed->computeRunning);
            observed->changed.notify_all();
            observed->changed.wait_for(lock, std::chrono::seconds(10), [&] { return observed->computeRelease; });
            --observed->computeRunning;
            return text("computed");
        },
        [](Route& r) { r.compute = true; });
    add(Method::Get, "/whoami", A::Anonymous, [text](Request& r) -> Expected<Response> {
        return text(r.clientIp + "|" + (r.secure ? "https" : "http") + "|" + (r.principal ? r.principal->userId : "-"));
    });
    add(Method::Post, "/nobody", A::Anonymous,
        [text](Request& r) -> Expected<Response> { return text("ok:" + r.body); });
    add(Method::Get, "/conflict", A::Anonymous,
        [](Request&) -> Expected<Response> { return Error(ErrorCode::Conflict, "already there", "already_exists"); });
    add(Method::Get, "/busy", A::Anonymous,
        [](Request&) -> Expected<Response> { return unavailable("busy").retryAfter(7); });
    add(Method::Get, "/file", A::Anonymous, [this](Request& r) -> Expected<Response> {
        Response response;
        response.headers.set("Content-Type", "application/octet-stream");
        FileBody file;
        file.path = filePath_;
        file.offset = queryNumber(r, "offset", 0);
        if (r.queryParam("length")) file.length = queryNumber(r, "length", 0);
        response.file = std::move(file);
        return response;
    });
    // The same bytes from a blob reader (a store with no local file), small reads at a time.
    add(Method::Get, "/blob", A::Anonymous, [](Request& r) -> Expected<Response> {
        Response response;
        response.headers.set("Content-Type", "application/octet-stream");
        const auto offset = static_cast<std::size_t>(queryNumber(r, "offset", 0));
        response.blob = std::make_shared<StringBlobReader>(fileContent().substr(offset), 4000);
        return response;
    });
    // A slow store: 192 KiB in 64 KiB reads of 600 ms each (an S3 chunk fetch, much slowed down).
    add(Method::Get, "/slow-blob", A::Anonymous, [](Request&) -> Expected<Response> {
        Response response;
        response.headers.set("Content-Type", "application/octet-stream");
        response.blob = std::make_shared<StringBlobReader>(fileContent().substr(0, 192 * 1024), 64 * 1024,
                                                           std::chrono::milliseconds(600));
        return response;
    });
    add(Method::Get, "/events", A::Anonymous, [](Request&) -> Expected<Response> {
        Response response;
        response.headers.set("Content-Type", "text/event-stream");
        response.stream = std::make_shared<FiniteStream>(std::vector<std::string>{"one,", "two,", "three"});
        return response;
    });
    for (const auto& [pattern, firehose] : {std::pair{"/quiet-stream", false}, std::pair{"/firehose", true}}) {
        add(Method::Get, pattern, A::Anonymous, [observed, firehose = firehose](Request&) -> Expected<Response> {
            Response response;
            response.headers.set("Content-Type", "text/event-stream");
            response.stream = std::make_shared<OpenStream>(observed, firehose);
            return response;
        });
    }
}

double metricValue(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind(series, 0) == 0 && line.size() > series.size() && line[series.size()] == ' ') {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return -1;
}

std::string patternBytes(std::size_t size) {
    std::string out(size, '\0');
    std::uint32_t state = 0x12345678;
    for (auto& c : out) {
        state = state * 1664525u + 1013904223u;  // LCG: cheap, and no two chunks look alike
        c = static_cast<char>(state >> 24);
    }
    return out;
}

}  // namespace obscura::test
