#include "replica_support.hpp"

#include <doctest/doctest.h>

#include "api_session.hpp"

namespace obscura::test {

ReplicaPair::ReplicaPair(const std::map<std::string, std::string>& extra) {
    a = startApp(dataDir(), extra);
    b = startApp(dataDir(), extra);
}

std::unique_ptr<RawConnection> openStream(int port, const std::string& access, std::int64_t lastEventId) {
    auto c = std::make_unique<RawConnection>(port);
    std::string request = "GET /api/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + access + "\r\n";
    if (lastEventId >= 0) request += "Last-Event-ID: " + std::to_string(lastEventId) + "\r\n";
    REQUIRE(c->send(request + "\r\n"));
    return c;
}

std::vector<StreamEvent> StreamReader::read(std::chrono::milliseconds wait) {
    buffer_ += c_.readAvailable(wait);
    std::vector<StreamEvent> out;
    // Frames end with a blank line; chunk-size lines of the chunked body stand alone and are skipped.
    std::size_t end;
    while ((end = buffer_.find("\n\n")) != std::string::npos) {
        const std::string frame = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        StreamEvent e;
        std::size_t pos = 0;
        while (pos < frame.size()) {
            auto nl = frame.find('\n', pos);
            if (nl == std::string::npos) nl = frame.size();
            std::string line = frame.substr(pos, nl - pos);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            pos = nl + 1;
            if (line.rfind("id: ", 0) == 0) e.id = std::stoll(line.substr(4));
            if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
            if (line.rfind("data: ", 0) == 0) e.data = line.substr(6);
        }
        if (!e.name.empty()) out.push_back(std::move(e));
    }
    return out;
}

}  // namespace obscura::test
