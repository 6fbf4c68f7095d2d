#pragma once
// A small blocking HTTP/1.1 client for tests, on plain POSIX sockets with its own response parser: it shares
// no code with the server's Beast, so a framing bug on either side shows up instead of cancelling out.
// Errors (refused connection, timeout, malformed response) throw std::runtime_error.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace obscura::test {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    int status = 0;
    HeaderList headers;
    std::string body;
    std::vector<int> interim;  // 1xx statuses that came before the final one, in order

    // The first header of that name, compared case-insensitively.
    std::optional<std::string> header(std::string_view name) const;
    bool hasHeader(std::string_view name) const { return header(name).has_value(); }
};

class HttpClient {
public:
    explicit HttpClient(int port, std::string host = "127.0.0.1",
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // Sends one request on the kept-alive connection (opening one when there is none) and reads the answer.
    // Host and Content-Length are added unless given. With "Expect: 100-continue" among the headers the body is
    // sent only after a 100 arrives; a final answer that comes first is returned without sending the body.
    HttpResponse request(std::string_view method, std::string_view target, const HeaderList& headers = {},
                         std::string_view body = {});
    HttpResponse get(std::string_view target, const HeaderList& headers = {}) {
        return request("GET", target, headers);
    }

    // Connect from this local address (e.g. "127.0.0.2") to look like another client.
    void bindTo(std::string sourceAddress) { source_ = std::move(sourceAddress); }
    int connectionsOpened() const { return connectionsOpened_; }
    bool connected() const { return fd_ >= 0; }
    void close();

private:
    void connect();
    HttpResponse exchange(std::string_view method, const std::string& head, std::string_view body, bool expect);

    std::string host_;
    std::string source_;
    int port_;
    std::chrono::milliseconds timeout_;
    int fd_ = -1;
    int connectionsOpened_ = 0;
    std::string buffered_;  // bytes received beyond the last response
};

// A raw TCP connection for abuse tests: exactly the bytes you choose, as slowly as you like, and whatever
// comes back.
class RawConnection {
public:
    // sourceAddress: connect from this local address (e.g. "127.0.0.2") to look like another client.
    explicit RawConnection(int port, std::string host = "127.0.0.1", std::string sourceAddress = {});
    ~RawConnection();
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // False when the peer has closed or reset the connection.
    bool send(std::string_view bytes);
    // Sends `chunk` bytes at a time with `pause` between chunks; stops early when the peer answers, closes or
    // resets. Returns how many bytes went out.
    std::size_t sendSlowly(std::string_view bytes, std::size_t chunk, std::chrono::milliseconds pause);
    // Reads one complete response (1xx interim responses are collected into it) or, with stopAtInterim, returns
    // as soon as a 1xx arrives. nullopt when the connection closed or the timeout passed before it was complete.
    std::optional<HttpResponse> readResponse(std::chrono::milliseconds timeout, bool headRequest = false,
                                             bool stopAtInterim = false);
    // Whatever arrives within `wait` (stops early at end of stream).
    std::string readAvailable(std::chrono::milliseconds wait);
    // True when the peer closed (end of stream or reset) within the timeout. Data read meanwhile is discarded.
    bool waitForClose(std::chrono::milliseconds timeout);
    void shutdownWrite();
    // Closes with a reset (SO_LINGER 0): a client that vanished mid-request.
    void abort();

private:
    int fd_ = -1;
    std::string buffered_;
};

}  // namespace obscura::test
