#include "http_client.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <utility>

namespace obscura::test {
namespace {

using Clock = std::chrono::steady_clock;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

int connectTo(const std::string& host, int port, const std::string& source) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) {
        throw std::runtime_error("cannot resolve " + host);
    }
    int fd = -1;
    int lastErrno = 0;
    for (addrinfo* a = found; a; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        if (!source.empty()) {
            addrinfo* local = nullptr;
            addrinfo localHints{};
            localHints.ai_family = a->ai_family;
            localHints.ai_socktype = SOCK_STREAM;
            localHints.ai_flags = AI_NUMERICHOST;
            const bool bound = getaddrinfo(source.c_str(), "0", &localHints, &local) == 0 && local &&
                               ::bind(fd, local->ai_addr, local->ai_addrlen) == 0;
            if (local) freeaddrinfo(local);
            if (!bound) {
                lastErrno = errno;
                ::close(fd);
                fd = -1;
                continue;
            }
        }
        if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
        lastErrno = errno;
        ::close(fd);
        fd = -1;
    }
    freeaddrinfo(found);
    if (fd < 0) {
        throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port) + ": " +
                                 std::strerror(lastErrno));
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool sendAll(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

enum class ReadResult { Data, Closed, Timeout };

ReadResult readMore(int fd, std::string& buffer, Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return ReadResult::Timeout;
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) return ready == 0 ? ReadResult::Timeout : ReadResult::Closed;
        char chunk[64 * 1024];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return ReadResult::Closed;  // end of stream or reset
        buffer.append(chunk, static_cast<std::size_t>(n));
        return ReadResult::Data;
    }
}

// The server closed a kept-alive connection before we used it; safe to retry on a fresh one.
struct StaleConnection : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct ReadOutcome {
    std::optional<HttpResponse> response;
    bool started = false;  // a status line arrived
    bool closed = false;   // the peer closed (before or, for read-to-end bodies, as the end of) the response
    ReadResult failure = ReadResult::Data;
};

// Takes exactly `n` bytes off the front of the buffer, reading more as needed.
bool take(int fd, std::string& buffer, std::size_t n, Clock::time_point deadline, std::string& out,
          ReadOutcome& outcome) {
    while (buffer.size() < n) {
        const auto r = readMore(fd, buffer, deadline);
        if (r != ReadResult::Data) {
            outcome.failure = r;
            outcome.closed = r == ReadResult::Closed;
            return false;
        }
    }
    out.append(buffer, 0, n);
    buffer.erase(0, n);
    return true;
}

bool takeLine(int fd, std::string& buffer, Clock::time_point deadline, std::string& line, ReadOutcome& outcome) {
    std::size_t end;
    while ((end = buffer.find("\r\n")) == std::string::npos) {
        const auto r = readMore(fd, buffer, deadline);
        if (r != ReadResult::Data) {
            outcome.failure = r;
            outcome.closed = r == ReadResult::Closed;
            return false;
        }
    }
    line.assign(buffer, 0, end);
    buffer.erase(0, end + 2);
    return true;
}

ReadOutcome readOneResponse(int fd, std::string& buffer, Clock::time_point deadline, bool headRequest,
                            bool stopAtInterim) {
    ReadOutcome outcome;
    HttpResponse response;
    for (;;) {
        std::string line;
        if (!takeLine(fd, buffer, deadline, line, outcome)) return outcome;
        // Status line: HTTP/1.1 200 OK
        if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12 || line[8] != ' ') {
            throw std::runtime_error("malformed status line: " + line.substr(0, 80));
        }
        outcome.started = true;
        const int status = std::stoi(line.substr(9, 3));
        HeaderList headers;
        for (;;) {
            if (!takeLine(fd, buffer, deadline, line, outcome)) return outcome;
            if (line.empty()) break;
            const auto colon = line.find(':');
            if (colon == std::string::npos) throw std::runtime_error("malformed header line: " + line.substr(0, 80));
            headers.emplace_back(line.substr(0, colon), std::string(trim(std::string_view(line).substr(colon + 1))));
        }
        if (status / 100 == 1) {
            response.interim.push_back(status);
            if (stopAtInterim) {
                response.status = status;
                response.headers = std::move(headers);
                outcome.response = std::move(response);
                return outcome;
            }
            continue;
        }
        response.status = status;
        response.headers = std::move(headers);
        break;
    }
    if (headRequest || response.status == 204 || response.status == 304) {
        outcome.response = std::move(response);
        return outcome;
    }
    const auto encoding = response.header("Transfer-Encoding");
    const auto length = response.header("Content-Length");
    if (encoding && iequals(*encoding, "chunked")) {
        for (;;) {
            std::string sizeLine;
            if (!takeLine(fd, buffer, deadline, sizeLine, outcome)) return outcome;
            const std::size_t size = std::stoul(sizeLine, nullptr, 16);
            if (size == 0) {
                std::string trailer;
                do {
                    if (!takeLine(fd, buffer, deadline, trailer, outcome)) return outcome;
                } while (!trailer.empty());
                break;
            }
            std::string crlf;
            if (!take(fd, buffer, size, deadline, response.body, outcome)) return outcome;
            if (!take(fd, buffer, 2, deadline, crlf, outcome)) return outcome;
            if (crlf != "\r\n") throw std::runtime_error("chunk not followed by CRLF");
        }
    } else if (length) {
        if (!take(fd, buffer, std::stoull(*length), deadline, response.body, outcome)) return outcome;
    } else {
        for (;;) {  // no framing: the body ends with the connection
            const auto r = readMore(fd, buffer, deadline);
            if (r == ReadResult::Timeout) {
                outcome.failure = r;
                return outcome;
            }
            if (r == ReadResult::Closed) break;
        }
        response.body = std::move(buffer);
        buffer.clear();
        outcome.closed = true;
    }
    outcome.response = std::move(response);
    return outcome;
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return std::nullopt;
}

HttpClient::HttpClient(int port, std::string host, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(port), timeout_(timeout) {}

HttpClient::~HttpClient() { close(); }

void HttpClient::connect() {
    fd_ = connectTo(host_, port_, source_);
    ++connectionsOpened_;
    buffered_.clear();
}

void HttpClient::close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buffered_.clear();
}

HttpResponse HttpClient::request(std::string_view method, std::string_view target, const HeaderList& headers,
                                 std::string_view body) {
    bool hasHost = false, hasLength = false, expect = false;
    std::string head;
    head.reserve(256);
    head.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    for (const auto& [name, value] : headers) {
        hasHost = hasHost || iequals(name, "Host");
        hasLength = hasLength || iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding");
        expect = expect || (iequals(name, "Expect") && iequals(value, "100-continue"));
        head.append(name).append(": ").append(value).append("\r\n");
    }
    if (!hasHost) head.append("Host: ").append(host_).append(":").append(std::to_string(port_)).append("\r\n");
    if (!hasLength && (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")) {
        head.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    }
    head.append("\r\n");

    const bool reused = connected();
    if (!reused) connect();
    try {
        return exchange(method, head, body, expect);
    } catch (const StaleConnection&) {
        // A kept-alive connection the server closed in the meantime: one fresh attempt.
        if (!reused) throw;
        close();
        connect();
        return exchange(method, head, body, expect);
    }
}

HttpResponse HttpClient::exchange(std::string_view method, const std::string& head, std::string_view body,
                                  bool expect) {
    const auto deadline = Clock::now() + timeout_;
    const bool headRequest = method == "HEAD";
    const auto fail = [this](const std::string& what) {
        close();
        throw std::runtime_error(what);
    };
    if (!sendAll(fd_, head)) {
        close();
        throw StaleConnection("sending the request failed");
    }
    std::vector<int> interim;
    if (expect) {
        auto first = readOneResponse(fd_, buffered_, deadline, headRequest, true);
        if (!first.response) fail("no answer to the request header");
        if (first.response->status != 100) {
            // Final answer before any body: the server will not read one, so this connection is done.
            HttpResponse response = std::move(*first.response);
            close();
            return response;
        }
        interim.push_back(100);
    }
    if (!body.empty() && !sendAll(fd_, body)) fail("sending the request body failed");
    auto outcome = readOneResponse(fd_, buffered_, deadline, headRequest, false);
    if (!outcome.response && outcome.closed && !outcome.started && !expect) {
        close();
        throw StaleConnection("connection closed before the response started");
    }
    if (!outcome.response) {
        fail(outcome.failure == ReadResult::Timeout ? "timed out waiting for the response"
                                                    : "connection closed before the response was complete");
    }
    HttpResponse response = std::move(*outcome.response);
    response.interim.insert(response.interim.begin(), interim.begin(), interim.end());
    const auto connection = response.header("Connection");
    if (outcome.closed || (connection && iequals(*connection, "close"))) close();
    return response;
}

RawConnection::RawConnection(int port, std::string host, std::string sourceAddress)
    : fd_(connectTo(host, port, sourceAddress)) {}

RawConnection::~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view bytes) { return sendAll(fd_, bytes); }

std::size_t RawConnection::sendSlowly(std::string_view bytes, std::size_t chunk, std::chrono::milliseconds pause) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const auto piece = bytes.substr(sent, std::max<std::size_t>(chunk, 1));
        if (!sendAll(fd_, piece)) break;
        sent += piece.size();
        if (sent == bytes.size()) break;
        // Stop as soon as the server answers or hangs up, so callers can measure when that happened.
        pollfd p{fd_, POLLIN | POLLRDHUP, 0};
        if (::poll(&p, 1, static_cast<int>(pause.count())) > 0) break;
    }
    return sent;
}

std::optional<HttpResponse> RawConnection::readResponse(std::chrono::milliseconds timeout, bool headRequest,
                                                        bool stopAtInterim) {
    return readOneResponse(fd_, buffered_, Clock::now() + timeout, headRequest, stopAtInterim).response;
}

std::string RawConnection::readAvailable(std::chrono::milliseconds wait) {
    const auto deadline = Clock::now() + wait;
    while (readMore(fd_, buffered_, deadline) == ReadResult::Data) {
    }
    return std::exchange(buffered_, std::string());
}

bool RawConnection::waitForClose(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto r = readMore(fd_, buffered_, deadline);
        buffered_.clear();
        if (r == ReadResult::Closed) return true;
        if (r == ReadResult::Timeout) return false;
    }
}

void RawConnection::shutdownWrite() { ::shutdown(fd_, SHUT_WR); }

void RawConnection::abort() {
    if (fd_ < 0) return;
    linger hard{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    ::close(fd_);
    fd_ = -1;
}

}  // namespace obscura::test
