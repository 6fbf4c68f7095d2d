#include "browser_session.hpp"

#include <algorithm>
#include <cctype>

namespace obscura::auth {
namespace {

std::string cookie(std::string_view name, std::string_view value, std::string_view path, std::int64_t maxAge,
                   bool secure, bool httpOnly = true) {
    std::string c(name);
    c += '=';
    c += value;
    c += "; Path=";
    c += path;
    c += "; Max-Age=" + std::to_string(maxAge);
    if (httpOnly) c += "; HttpOnly";
    c += "; SameSite=Strict";
    if (secure) c += "; Secure";
    return c;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// "example.org:80" with scheme http → "example.org".
std::string withoutDefaultPort(std::string authority, bool https) {
    const std::string_view port = https ? ":443" : ":80";
    if (authority.size() > port.size() && authority.compare(authority.size() - port.size(), port.size(), port) == 0) {
        authority.resize(authority.size() - port.size());
    }
    return authority;
}

bool unsafe(Method m) { return m != Method::Get && m != Method::Head && m != Method::Options; }

Error crossSite(std::string why) {
    return Error(ErrorCode::Forbidden, "cross-site request refused: " + std::move(why));
}

}  // namespace

bool secureCookies(const Request& request, std::string_view publicUrl) {
    return request.secure || lower(publicUrl.substr(0, 8)) == "https://";
}

std::vector<std::string> sessionCookies(const std::string& accessToken, std::int64_t accessSeconds,
                                        const std::string& refreshToken, std::int64_t refreshSeconds, bool secure) {
    return {cookie(kAccessCookie, accessToken, "/", accessSeconds, secure),
            cookie(kRefreshCookie, refreshToken, kRefreshCookiePath, refreshSeconds, secure),
            cookie(kSignedInCookie, "1", "/", refreshSeconds, secure, false)};
}

std::vector<std::string> clearedSessionCookies(bool secure) {
    return {cookie(kAccessCookie, "", "/", 0, secure), cookie(kRefreshCookie, "", kRefreshCookiePath, 0, secure),
            cookie(kSignedInCookie, "", "/", 0, secure, false)};
}

std::string authorityOf(std::string_view url) {
    const std::string text = lower(url);
    bool https = false;
    std::string_view rest(text);
    if (rest.rfind("https://", 0) == 0) {
        https = true;
        rest.remove_prefix(8);
    } else if (rest.rfind("http://", 0) == 0) {
        rest.remove_prefix(7);
    } else {
        return "";
    }
    const auto end = rest.find_first_of("/?#");
    rest = rest.substr(0, end);
    if (rest.empty() || rest.find('@') != std::string_view::npos) return "";
    return withoutDefaultPort(std::string(rest), https);
}

Status checkSameOrigin(const Request& request, std::string_view publicUrl) {
    if (!unsafe(request.method)) return {};
    std::string expected;
    if (!publicUrl.empty()) {
        expected = authorityOf(publicUrl);
    } else if (auto host = request.headers.get("Host")) {
        // The Host header carries no scheme: a default port there is dropped for either scheme.
        expected = withoutDefaultPort(withoutDefaultPort(lower(*host), false), true);
    }
    if (expected.empty()) return crossSite("the request names no host to compare its origin with");
    std::string origin;
    if (auto o = request.headers.get("Origin"); o && *o != "null") {
        origin = authorityOf(*o);
    } else if (auto referer = request.headers.get("Referer")) {
        origin = authorityOf(*referer);
    } else {
        return crossSite("a request that changes something needs an Origin or Referer header");
    }
    if (origin != expected) return crossSite("it comes from another origin");
    return {};
}

}  // namespace obscura::auth
