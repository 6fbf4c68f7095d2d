// The yardstick for the listing benchmark: a bare Boost.Beast HTTP/1.1 server that answers every request with
// the same bytes (a saved GET /api/assets?limit=100 body), keep-alive, on N threads. No routing, no auth, no
// database: whatever Obscura's listing costs beyond this is our own work.
// Usage: obscura_bench_bare_beast PORT BODY_FILE [THREADS]
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility> (CONVENTIONS.md): it comes
// first, kept there against clang-format's include sorting.
// clang-format off
#include <utility>
// clang-format on
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, std::shared_ptr<const std::string> body)
        : stream_(std::move(socket)), body_(std::move(body)) {}
    void start() { read(); }

private:
    void read() {
        request_ = {};
        http::async_read(stream_, buffer_, request_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onRead(ec); });
    }

    void onRead(beast::error_code ec) {
        if (ec) return close();
        response_ = {};
        response_.result(http::status::ok);
        response_.version(request_.version());
        response_.set(http::field::content_type, "application/json");
        response_.keep_alive(request_.keep_alive());
        response_.body() = *body_;
        response_.prepare_payload();
        http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code e, std::size_t) {
            if (e || !self->response_.keep_alive()) return self->close();
            self->read();
        });
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    http::response<http::string_body> response_;
    std::shared_ptr<const std::string> body_;
};

void accept(tcp::acceptor& acceptor, std::shared_ptr<const std::string> body) {
    acceptor.async_accept([&acceptor, body](beast::error_code ec, tcp::socket socket) {
        if (!ec) std::make_shared<Session>(std::move(socket), body)->start();
        accept(acceptor, body);
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: obscura_bench_bare_beast PORT BODY_FILE [THREADS]\n";
        return 2;
    }
    std::ifstream in(argv[2], std::ios::binary);
    if (!in) {
        std::cerr << "cannot read " << argv[2] << "\n";
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto body = std::make_shared<const std::string>(text.str());
    const int threads =
        argc > 3 ? std::max(1, std::stoi(argv[3])) : static_cast<int>(std::thread::hardware_concurrency());

    asio::io_context io(threads);
    tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(argv[1]))});
    accept(acceptor, body);
    std::cout << "bare beast listening on 127.0.0.1:" << acceptor.local_endpoint().port() << " with " << threads
              << " threads, " << body->size() << " body bytes" << std::endl;
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
}
