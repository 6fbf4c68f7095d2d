#include "oidc/http_fetch.hpp"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace obscura::auth {
namespace {

constexpr long kConnectTimeoutMs = 5000;
constexpr long kTotalTimeoutMs = 15000;

struct CurlDeleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    auto* body = static_cast<std::string*>(user);
    const std::size_t n = size * count;
    if (body->size() + n > HttpFetch::kMaxBodyBytes) return 0;  // libcurl then fails the transfer
    body->append(data, n);
    return n;
}

Error unreachable(const std::string& url, const std::string& why) {
    return Error(ErrorCode::Unavailable, "the OpenID provider could not be reached at " + url + ": " + why);
}

Expected<FetchedResponse> perform(const std::string& url, curl_slist* headers, const std::string* form,
                                  const std::string& user, const std::string& password) {
    static std::once_flag initialised;
    std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) return internalError("libcurl: out of memory");
    FetchedResponse response;
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, kTotalTimeoutMs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "obscura-oidc");
    if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    if (form) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form->c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(form->size()));
    }
    if (!user.empty()) {
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(c, CURLOPT_USERNAME, user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) return unreachable(url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

}  // namespace

std::string urlEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char ch : text) {
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
            ch == '.' || ch == '_' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += kHex[ch >> 4];
            out += kHex[ch & 15];
        }
    }
    return out;
}

Expected<FetchedResponse> HttpFetch::get(const std::string& url, const std::string& bearerToken) {
    std::unique_ptr<curl_slist, ListDeleter> headers(curl_slist_append(nullptr, "Accept: application/json"));
    if (!bearerToken.empty()) {
        const std::string auth = "Authorization: Bearer " + bearerToken;
        headers.reset(curl_slist_append(headers.release(), auth.c_str()));
    }
    return perform(url, headers.get(), nullptr, {}, {});
}

Expected<FetchedResponse> HttpFetch::postForm(const std::string& url, const FormFields& fields,
                                              const std::string& basicUser, const std::string& basicPassword) {
    std::string form;
    for (const auto& [name, value] : fields) {
        if (!form.empty()) form += '&';
        form += urlEncode(name) + '=' + urlEncode(value);
    }
    std::unique_ptr<curl_slist, ListDeleter> headers(curl_slist_append(nullptr, "Accept: application/json"));
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/x-www-form-urlencoded"));
    // RFC 6749 section 2.3.1: the client id and secret are form-encoded before they are Basic-encoded.
    return perform(url, headers.get(), &form, basicUser.empty() ? "" : urlEncode(basicUser),
                   basicUser.empty() ? "" : urlEncode(basicPassword));
}

}  // namespace obscura::auth
