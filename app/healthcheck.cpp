#include "healthcheck.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>

namespace obscura {
namespace {

struct Url {
    std::string host, port, path;
};

bool parseUrl(const std::string& url, Url& out) {
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0) return false;
    auto rest = url.substr(scheme.size());
    auto slash = rest.find('/');
    auto authority = rest.substr(0, slash);
    out.path = slash == std::string::npos ? "/" : rest.substr(slash);
    auto colon = authority.rfind(':');
    if (colon == std::string::npos) {
        out.host = authority;
        out.port = "80";
    } else {
        out.host = authority.substr(0, colon);
        out.port = authority.substr(colon + 1);
    }
    if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
    return !out.host.empty() && !out.port.empty();
}

}  // namespace

bool httpHealthcheck(const std::string& url, std::string& detail) {
    Url u;
    if (!parseUrl(url, u)) {
        detail = "not an http:// URL: " + url;
        return false;
    }
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (int rc = ::getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &res); rc != 0) {
        detail = std::string("cannot resolve ") + u.host + ": " + gai_strerror(rc);
        return false;
    }
    int fd = -1;
    for (auto* ai = res; ai; ai = ai->ai_next) {
        fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        ::close(fd);
        fd = -1;
    }
    ::freeaddrinfo(res);
    if (fd < 0) {
        detail = "cannot connect to " + u.host + ":" + u.port + ": " + std::strerror(errno);
        return false;
    }
    std::string request = "GET " + u.path + " HTTP/1.1\r\nHost: " + u.host + "\r\nConnection: close\r\n\r\n";
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string response;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    char buf[512];
    while (response.find("\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 500) <= 0) continue;
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        response.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    auto eol = response.find("\r\n");
    if (eol == std::string::npos) {
        detail = "no HTTP answer from " + url;
        return false;
    }
    detail = response.substr(0, eol);
    // "HTTP/1.1 200 OK": the status is the second word.
    auto sp = detail.find(' ');
    return sp != std::string::npos && detail.size() > sp + 1 && detail[sp + 1] == '2';
}

}  // namespace obscura
