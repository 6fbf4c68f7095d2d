#include "tcp_forwarder.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace obscura::test {

namespace {

void setLinger0(int fd) {
    // A reset, not a polite FIN: what a client sees when the host behind a connection dies.
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}

int connectTo(const std::string& host, int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Copies a → b and b → a until either side closes or fails.
void pump(int a, int b) {
    char buffer[64 * 1024];
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    while (true) {
        if (::poll(fds, 2, 200) < 0) return;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].revents == 0) continue;
            const ssize_t n = ::recv(fds[i].fd, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            ssize_t sent = 0;
            while (sent < n) {
                const ssize_t w =
                    ::send(fds[1 - i].fd, buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
                if (w <= 0) return;
                sent += w;
            }
        }
    }
}

}  // namespace

TcpForwarder::TcpForwarder(std::string targetHost, int targetPort)
    : targetHost_(std::move(targetHost)), targetPort_(targetPort) {
    listen();
}

TcpForwarder::~TcpForwarder() {
    stopping_ = true;
    cut();
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        threads.swap(threads_);
    }
    for (auto& t : threads)
        if (t.joinable()) t.join();
}

void TcpForwarder::listen() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port_));  // 0 the first time, the same port after a cut
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 64) != 0) {
        ::close(fd);
        throw std::runtime_error("tcp forwarder: cannot listen on 127.0.0.1:" + std::to_string(port_));
    }
    socklen_t length = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    std::lock_guard lock(mutex_);
    listener_ = fd;
    threads_.emplace_back([this, fd] { acceptLoop(fd); });
}

void TcpForwarder::acceptLoop(int listener) {
    while (!stopping_) {
        pollfd p{listener, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) {
            std::lock_guard lock(mutex_);
            if (listener_ != listener) return;  // cut: this listener is closed
            continue;
        }
        const int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) return;
        std::lock_guard lock(mutex_);
        if (listener_ != listener) {
            ::close(client);
            return;
        }
        open_.push_back(client);
        threads_.emplace_back([this, client] { relay(client); });
    }
}

void TcpForwarder::relay(int client) {
    const int upstream = connectTo(targetHost_, targetPort_);
    if (upstream >= 0) {
        {
            std::lock_guard lock(mutex_);
            open_.push_back(upstream);
        }
        pump(client, upstream);
    }
    // This thread closes its own sockets (cut() only shuts them down), so no descriptor is closed twice or reused
    // under a pump that still polls it.
    std::lock_guard lock(mutex_);
    for (const int fd : {client, upstream}) {
        if (fd < 0) continue;
        open_.erase(std::remove(open_.begin(), open_.end(), fd), open_.end());
        ::close(fd);
    }
}

void TcpForwarder::cut() {
    std::lock_guard lock(mutex_);
    if (listener_ >= 0) {
        ::close(listener_);
        listener_ = -1;
    }
    for (const int fd : open_) {
        setLinger0(fd);
        ::shutdown(fd, SHUT_RDWR);  // the relay's pump sees it at once and closes the pair
    }
}

void TcpForwarder::restore() {
    {
        std::lock_guard lock(mutex_);
        if (listener_ >= 0) return;
    }
    listen();
}

}  // namespace obscura::test
