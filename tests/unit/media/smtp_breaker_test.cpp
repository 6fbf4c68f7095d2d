// The SMTP mailer's circuit breaker (DESIGN §9): a dead mail server opens the circuit after a few failures and
// later notices fail at once, with the time left to wait, instead of each holding a bus worker for the timeout.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtp_mailer.hpp"

using namespace obscura;
using namespace obscura::media;

namespace {

// A loopback port nobody listens on: bound, read back, closed.
int deadPort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace

TEST_SUITE("media.smtp_breaker") {
    TEST_CASE("an unreachable SMTP server opens the circuit; later mails fail fast with Retry-After") {
        SmtpSettings settings;
        settings.host = "127.0.0.1";
        settings.port = deadPort();
        settings.tls = "none";
        settings.from = "photos@example.org";
        settings.timeout = std::chrono::seconds(2);
        SmtpMailer mailer(settings);
        const MailMessage mail{"bob@example.org", "hello", "text"};
        REQUIRE(mailer.breaker()->dependency() == "smtp");
        for (int i = 0; i < SmtpMailer::kBreakerThreshold; ++i) {
            CHECK(mailer.breaker()->state() == CircuitState::Closed);
            auto sent = mailer.send(mail);
            REQUIRE_FALSE(sent.ok());
            CHECK(sent.error().code == ErrorCode::Unavailable);
            CHECK(sent.error().message.find("circuit open") == std::string::npos);
        }
        CHECK(mailer.breaker()->state() == CircuitState::Open);
        auto refused = mailer.send(mail);
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::Unavailable);
        CHECK(refused.error().message.find("circuit open") != std::string::npos);
        REQUIRE(refused.error().retryAfterSeconds.has_value());
        CHECK(*refused.error().retryAfterSeconds > 1);
        CHECK(*refused.error().retryAfterSeconds <= 30);
    }

    TEST_CASE("a message refused for its own address does not count against the server") {
        SmtpSettings settings;
        settings.host = "127.0.0.1";
        settings.port = deadPort();
        settings.tls = "none";
        SmtpMailer mailer(settings);
        for (int i = 0; i < 2 * SmtpMailer::kBreakerThreshold; ++i)
            CHECK_FALSE(mailer.send({"no-at-sign", "s", "t"}).ok());
        CHECK(mailer.breaker()->state() == CircuitState::Closed);
    }
}
