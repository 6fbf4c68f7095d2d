#pragma once
// Outgoing e-mail through libcurl's SMTP (media.smtp.*): the notice that an on-demand conversion is done. Off when
// media.smtp.host is empty. A mail that cannot be sent is logged, never a failed job.
#include <chrono>
#include <memory>
#include <string>

#include "obscura/base/circuit_breaker.hpp"
#include "obscura/base/expected.hpp"

namespace obscura {
class Config;
}

namespace obscura::media {

struct SmtpSettings {
    std::string host;  // "" = mail is off
    int port = 587;
    std::string username;
    std::string password;
    std::string from;              // "Obscura <photos@example.org>" or a bare address
    std::string tls = "starttls";  // starttls | tls | none
    std::chrono::seconds timeout{30};

    static SmtpSettings fromConfig(const Config& config);
    bool enabled() const { return !host.empty(); }
};

struct MailMessage {
    std::string to;
    std::string subject;
    std::string text;  // plain text, UTF-8
};

// Sending goes through a circuit breaker ("smtp", DESIGN §9): after kBreakerThreshold consecutive failures of
// the server (unreachable, timeouts, a refused session; an unusable address is refused before) the circuit opens and
// send() fails at once for kBreakerCooldown instead of holding a bus worker for the whole timeout per notice.
class SmtpMailer {
public:
    static constexpr int kBreakerThreshold = 3;
    static constexpr std::chrono::seconds kBreakerCooldown{30};

    explicit SmtpMailer(SmtpSettings settings)
        : settings_(std::move(settings)),
          breaker_(std::make_shared<CircuitBreaker>("smtp", kBreakerThreshold, kBreakerCooldown)) {}
    bool enabled() const { return settings_.enabled(); }
    // Unavailable when the server cannot be reached or refuses, or its circuit is open (with retryAfter); Invalid
    // for an address with line breaks.
    Status send(const MailMessage& message) const;
    // For the CircuitRegistry (obscura_circuit_state{dependency="smtp"}, /readyz detail).
    std::shared_ptr<const CircuitBreaker> breaker() const { return breaker_; }
    // The RFC 5322 text that send() transmits (tests, logs).
    std::string render(const MailMessage& message, const std::string& messageId) const;

private:
    SmtpSettings settings_;
    std::shared_ptr<CircuitBreaker> breaker_;
};

}  // namespace obscura::media
