#include "notice_support.hpp"

#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <thread>

#include "media_api.hpp"
#include "media_fixtures.hpp"

namespace fs = std::filesystem;

namespace obscura::test {

using obscura::media::test::tool;

std::unique_ptr<RawConnection> openEvents(int port, const std::string& access) {
    auto c = std::make_unique<RawConnection>(port);
    REQUIRE(c->send("GET /api/events HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + access + "\r\n\r\n"));
    return c;
}

std::string readUntil(RawConnection& c, const std::string& needle, std::chrono::seconds timeout) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (got.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline)
        got += c.readAvailable(std::chrono::milliseconds(200));
    return got;
}

int freePort() {
    const std::string out =
        tool({"python3", "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1])"});
    return std::stoi(out);
}

SmtpSink::SmtpSink(const std::string& maildir) : port_(freePort()), maildir_(maildir) {
    // Debian's python3 (python3-aiosmtpd), not whichever python3 comes first on PATH.
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port_),
                                 "-c", "aiosmtpd.handlers.Mailbox", maildir},
        std::map<std::string, std::string>{});
    REQUIRE_MESSAGE(server_->startProgram(), server_->log());
    bool listening = false;
    for (int i = 0; i < 100 && !listening; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        try {
            listening = RawConnection(port_).readAvailable(std::chrono::milliseconds(300)).rfind("220", 0) == 0;
        } catch (const std::exception&) {
            // not listening yet
        }
    }
    REQUIRE_MESSAGE(listening, server_->log());
}

SmtpSink::~SmtpSink() { server_->signal(SIGTERM); }

std::string SmtpSink::mailbox() const {
    std::string all;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(maildir_ + "/new", ec)) all += readAll(e.path().string());
    return all;
}

std::string SmtpSink::waitFor(const std::string& needle, std::chrono::seconds timeout) const {
    std::string mail = mailbox();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (mail.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        mail = mailbox();
    }
    return mail;
}

}  // namespace obscura::test
