#pragma once
// Helpers for the tests of notices: a user's event stream read on a raw connection, and a real SMTP server on
// 127.0.0.1 (Debian's python3-aiosmtpd) storing what it receives in a maildir.
#include <chrono>
#include <memory>
#include <string>

#include "http_client.hpp"
#include "test_support.hpp"

namespace obscura::test {

// Opens GET /api/events for the bearer token on a raw connection.
std::unique_ptr<RawConnection> openEvents(int port, const std::string& access);
// Reads until `needle` has arrived or the time is up; answers everything read.
std::string readUntil(RawConnection& c, const std::string& needle, std::chrono::seconds timeout);

// A port nothing listens on (yet).
int freePort();

// An SMTP server on 127.0.0.1:port() until destroyed (SIGTERM by its pid).
class SmtpSink {
public:
    explicit SmtpSink(const std::string& maildir);
    ~SmtpSink();
    int port() const { return port_; }
    // Every message received so far, concatenated.
    std::string mailbox() const;
    // Polls the mailbox until it holds `needle` or the time is up; answers the mailbox.
    std::string waitFor(const std::string& needle, std::chrono::seconds timeout) const;

private:
    int port_;
    std::string maildir_;
    std::unique_ptr<ServerProcess> server_;
};

}  // namespace obscura::test
