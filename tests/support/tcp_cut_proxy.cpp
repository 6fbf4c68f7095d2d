#include "tcp_cut_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace obscura::test {
namespace {

void resetAndClose(int fd) {
    linger l{1, 0};  // a reset, as a dead host's kernel would answer
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::shutdown(fd, SHUT_RDWR);
}

int connectTo(const std::string& host, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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

}  // namespace

TcpCutProxy::TcpCutProxy(std::string targetHost, int targetPort)
    : host_(std::move(targetHost)), targetPort_(targetPort) {
    listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listenFd_, 64) != 0)
        throw std::runtime_error("TcpCutProxy: cannot listen");
    socklen_t len = sizeof addr;
    ::getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { acceptLoop(); });
}

TcpCutProxy::~TcpCutProxy() {
    stopping_ = true;
    cut();
    acceptor_.join();
    ::close(listenFd_);
    for (auto& t : threads_) t.join();
}

void TcpCutProxy::cut() {
    cut_ = true;
    std::lock_guard lock(mu_);
    for (int fd : open_) resetAndClose(fd);
}

void TcpCutProxy::restore() { cut_ = false; }

void TcpCutProxy::acceptLoop() {
    while (!stopping_) {
        pollfd p{listenFd_, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        int client = ::accept4(listenFd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) continue;
        if (cut_) {
            resetAndClose(client);
            ::close(client);
            continue;
        }
        std::lock_guard lock(mu_);
        threads_.emplace_back([this, client] { pump(client); });
    }
}

void TcpCutProxy::pump(int client) {
    int upstream = connectTo(host_, targetPort_);
    if (upstream < 0) {
        ::close(client);
        return;
    }
    {
        std::lock_guard lock(mu_);
        open_.push_back(client);
        open_.push_back(upstream);
    }
    char buffer[64 * 1024];
    bool open = true;
    while (open && !cut_) {
        pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
        if (::poll(p, 2, 100) <= 0) continue;
        for (int i = 0; i < 2 && open; ++i) {
            if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            const ssize_t n = ::read(p[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                open = false;
                break;
            }
            const int to = i == 0 ? upstream : client;
            for (ssize_t sent = 0; sent < n;) {
                const ssize_t w = ::send(to, buffer + sent, static_cast<std::size_t>(n - sent), MSG_NOSIGNAL);
                if (w <= 0) {
                    open = false;
                    break;
                }
                sent += w;
            }
        }
    }
    std::lock_guard lock(mu_);
    open_.erase(std::remove_if(open_.begin(), open_.end(), [&](int fd) { return fd == client || fd == upstream; }),
                open_.end());
    if (cut_) {
        resetAndClose(client);
        resetAndClose(upstream);
    }
    ::close(client);
    ::close(upstream);
}

}  // namespace obscura::test
