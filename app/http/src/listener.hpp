#pragma once
// Accepts connections and applies the connection limits before any byte of a request is read.
#include <memory>
#include <string>

#include "net.hpp"
#include "obscura/base/expected.hpp"

namespace obscura::httpd {

class ServerState;

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(net::io_context& ioc, std::shared_ptr<ServerState> state);

    // Binds and listens. Unavailable, naming the address, when that fails.
    Status open(const std::string& host, int port);
    int port() const { return port_; }
    void start();
    void stop();  // any thread

private:
    void accept();
    void onAccept(beast::error_code ec, Socket socket);

    net::io_context& ioc_;
    std::shared_ptr<ServerState> state_;
    Strand strand_;
    net::basic_socket_acceptor<tcp, Strand> acceptor_;
    Timer retryTimer_;
    int port_ = 0;
};

}  // namespace obscura::httpd
