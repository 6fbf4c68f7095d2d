#pragma once
// Outgoing e-mail through libcurl's SMTP (media.smtp.*): the notice that an on-demand conversion is done. Off when
// media.smtp.host is empty. A mail that cannot be sent is logged, never a failed job.
#include <chrono>
#include <string>

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

class SmtpMailer {
public:
    explicit SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {}
    bool enabled() const { return settings_.enabled(); }
    // Unavailable when the server cannot be reached or refuses; Invalid for an address with line breaks.
    Status send(const MailMessage& message) const;
    // The RFC 5322 text that send() transmits (tests, logs).
    std::string render(const MailMessage& message, const std::string& messageId) const;

private:
    SmtpSettings settings_;
};

}  // namespace obscura::media
