#include "listener.hpp"

#include <array>
#include <atomic>
#include <ctime>

#include "obscura/base/http_date.hpp"
#include "obscura/http/error_mapping.hpp"
#include "obscura/kernel/log.hpp"
#include "request_id.hpp"
#include "server_state.hpp"
#include "session.hpp"
#include "trusted_proxies.hpp"

namespace obscura::httpd {
namespace {

constexpr int kRetryAfterSeconds = 2;
constexpr auto kRejectLinger = std::chrono::seconds(1);
constexpr std::size_t kRejectDrainBytes = 64 * 1024;
// Beyond this many rejected connections still lingering, new ones are closed right after the answer is written.
constexpr int kMaxLingeringRejections = 256;

std::atomic<int> lingeringRejections{0};

std::string rejectionMessage(Admission why) {
    Error error = why == Admission::ServerFull
                      ? Error(ErrorCode::Unavailable, "the server has too many open connections")
                      : Error(ErrorCode::RateLimited, "too many open connections from your address");
    error.retryAfter(kRetryAfterSeconds);
    const std::string requestId = newRequestId();
    Response response = errorResponse(error, requestId);
    std::string out =
        why == Admission::ServerFull ? "HTTP/1.1 503 Service Unavailable\r\n" : "HTTP/1.1 429 Too Many Requests\r\n";
    for (const auto& [name, value] : response.headers.all()) out += name + ": " + value + "\r\n";
    out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
    out += "X-Request-Id: " + requestId + "\r\n";
    out += "X-Content-Type-Options: nosniff\r\n";
    out += "Date: ";
    out += cachedHttpDate(std::time(nullptr));
    out += "\r\nConnection: close\r\n\r\n";
    out += response.body;
    return out;
}

// Answers a connection over a limit and closes it, without a session, parser or request: a flood of these must
// cost little. The short linger keeps the answer from being lost to a reset if the client is still sending.
class Rejection : public std::enable_shared_from_this<Rejection> {
public:
    Rejection(Socket socket, std::string answer)
        : socket_(std::move(socket)), timer_(socket_.get_executor()), answer_(std::move(answer)) {
        ++lingeringRejections;
    }
    ~Rejection() { --lingeringRejections; }

    void run() {
        timer_.expires_after(kRejectLinger);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->close();
        });
        net::async_write(socket_, net::buffer(answer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec || lingeringRejections.load() > kMaxLingeringRejections) {
                self->close();
                return;
            }
            beast::error_code ignored;
            self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
            self->drain();
        });
    }

private:
    void drain() {
        socket_.async_read_some(net::buffer(scratch_),
                                [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                    self->drained_ += n;
                                    if (ec || self->drained_ > kRejectDrainBytes) {
                                        self->close();
                                        return;
                                    }
                                    self->drain();
                                });
    }

    void close() {
        beast::error_code ignored;
        timer_.cancel();
        socket_.close(ignored);
    }

    Socket socket_;
    Timer timer_;
    std::string answer_;
    std::array<char, 4096> scratch_{};
    std::size_t drained_ = 0;
};

}  // namespace

Listener::Listener(net::io_context& ioc, std::shared_ptr<ServerState> state)
    : ioc_(ioc), state_(std::move(state)), strand_(net::make_strand(ioc)), acceptor_(strand_), retryTimer_(strand_) {}

Status Listener::open(const std::string& host, int port) {
    const std::string where =
        (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    if (port < 0 || port > 65535) return Error(ErrorCode::Invalid, "cannot listen on " + where + ": invalid port");
    beast::error_code ec;
    auto address = net::ip::make_address(host, ec);
    if (ec) {
        tcp::resolver resolver(ioc_);
        const auto results = resolver.resolve(host, std::to_string(port), ec);
        if (ec || results.empty()) {
            return Error(ErrorCode::Unavailable, "cannot listen on " + where + ": cannot resolve the host" +
                                                     (ec ? " (" + ec.message() + ")" : ""));
        }
        address = results.begin()->endpoint().address();
    }
    const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    const auto fail = [&](const char* step) {
        beast::error_code ignored;
        acceptor_.close(ignored);
        return Error(ErrorCode::Unavailable, "cannot listen on " + where + ": " + step + ": " + ec.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return fail("open");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return fail("SO_REUSEADDR");
    if (address.is_v6()) {
        beast::error_code ignored;  // dual stack where the system allows it; IPv6-only otherwise
        acceptor_.set_option(net::ip::v6_only(false), ignored);
    }
    acceptor_.bind(endpoint, ec);
    if (ec) return fail("bind");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail("listen");
    port_ = acceptor_.local_endpoint(ec).port();
    return {};
}

void Listener::start() {
    net::post(strand_, [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
    net::post(strand_, [self = shared_from_this()] {
        beast::error_code ignored;
        self->retryTimer_.cancel();
        self->acceptor_.close(ignored);
    });
}

void Listener::accept() {
    // Each connection gets its own strand: its handlers never run concurrently, different connections do.
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, Socket socket) {
        self->onAccept(ec, std::move(socket));
    });
}

void Listener::onAccept(beast::error_code ec, Socket socket) {
    if (!acceptor_.is_open() || ec == net::error::operation_aborted) return;
    if (ec) {
        // Out of descriptors or memory (EMFILE, ENOBUFS): retrying at once would spin, so back off briefly.
        log::warn("accepting a connection failed: " + ec.message());
        retryTimer_.expires_after(std::chrono::milliseconds(100));
        retryTimer_.async_wait([self = shared_from_this()](beast::error_code waitEc) {
            if (!waitEc) self->accept();
        });
        return;
    }
    accept();

    const auto remote = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    auto peer = normalizeAddress(remote.address());
    std::string peerIp = peer.to_string();
    socket.set_option(tcp::no_delay(true), ec);

    // Limits count direct peers only: X-Forwarded-For is the client's to invent.
    const Admission admission = state_->admit(peerIp);
    if (admission != Admission::Admitted) {
        state_->metrics.connectionRejected(admission == Admission::ServerFull ? RejectReason::ServerFull
                                                                              : RejectReason::ClientFull);
        std::make_shared<Rejection>(std::move(socket), rejectionMessage(admission))->run();
        return;
    }
    std::make_shared<Session>(std::move(socket), state_, std::move(peer), std::move(peerIp))->start();
}

}  // namespace obscura::httpd
