#include "smtp_mailer.hpp"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <mutex>

#include "obscura/base/ids.hpp"
#include "obscura/kernel/config.hpp"

namespace obscura::media {

namespace {

// The bare address inside "Name <addr>", or the text itself.
std::string addressOf(const std::string& text) {
    auto open = text.find('<');
    auto close = text.find('>', open == std::string::npos ? 0 : open);
    if (open != std::string::npos && close != std::string::npos) return text.substr(open + 1, close - open - 1);
    return text;
}

bool hasLineBreak(const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; }

std::string rfc2822Now() {
    char buf[64];
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

struct Payload {
    const std::string* text;
    std::size_t offset = 0;
};

size_t readPayload(char* buffer, size_t size, size_t count, void* user) {
    auto* p = static_cast<Payload*>(user);
    const size_t room = size * count;
    const size_t left = p->text->size() - p->offset;
    const size_t n = left < room ? left : room;
    std::memcpy(buffer, p->text->data() + p->offset, n);
    p->offset += n;
    return n;
}

void curlGlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

SmtpSettings SmtpSettings::fromConfig(const Config& config) {
    SmtpSettings s;
    s.host = config.getString("media.smtp.host");
    s.port = static_cast<int>(config.getInt("media.smtp.port"));
    s.username = config.getString("media.smtp.username");
    s.password = config.getString("media.smtp.password");
    s.from = config.getString("media.smtp.from");
    s.tls = config.getString("media.smtp.tls");
    if (s.from.empty()) s.from = "Obscura <obscura@" + (s.host.empty() ? std::string("localhost") : s.host) + ">";
    return s;
}

std::string SmtpMailer::render(const MailMessage& m, const std::string& messageId) const {
    std::string text = "Date: " + rfc2822Now() + "\r\nTo: <" + m.to + ">\r\nFrom: " + settings_.from +
                       "\r\nMessage-ID: <" + messageId + "@obscura>\r\nSubject: " + m.subject +
                       "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       "Content-Transfer-Encoding: 8bit\r\n\r\n";
    // Bare LFs become CRLF; a line of a single dot is escaped by libcurl itself.
    for (char c : m.text) {
        if (c == '\n')
            text += "\r\n";
        else if (c != '\r')
            text += c;
    }
    text += "\r\n";
    return text;
}

Status SmtpMailer::send(const MailMessage& m) const {
    if (!enabled()) return {};
    if (hasLineBreak(m.to) || hasLineBreak(m.subject) || m.to.find('@') == std::string::npos)
        return Error(ErrorCode::Invalid, "not a usable e-mail address or subject");
    if (!breaker_->allow())
        return unavailable("the SMTP server is failing (circuit open); mail not sent")
            .retryAfter(breaker_->retryAfterSeconds());
    curlGlobalInit();
    CURL* curl = curl_easy_init();
    if (!curl) return unavailable("libcurl could not start");
    const std::string message = render(m, newUuid());
    Payload payload{&message};
    const std::string url = std::string(settings_.tls == "tls" ? "smtps://" : "smtp://") + settings_.host + ":" +
                            std::to_string(settings_.port);
    const std::string from = "<" + addressOf(settings_.from) + ">";
    curl_slist* rcpt = curl_slist_append(nullptr, ("<" + m.to + ">").c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, readPayload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &payload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    if (settings_.tls == "starttls") curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!settings_.username.empty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    // libcurl 7.88 does not tell a refused recipient from a failing server, so every failed session counts; an
    // address that cannot work was refused above (Invalid) without touching the breaker.
    if (rc == CURLE_OK)
        breaker_->success();
    else
        breaker_->failure();
    // The password never appears in the message: libcurl's error strings do not carry credentials.
    if (rc != CURLE_OK) return unavailable(std::string("mail to the SMTP server failed: ") + curl_easy_strerror(rc));
    return {};
}

}  // namespace obscura::media
