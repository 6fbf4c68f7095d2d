#pragma once
// Browser sessions: the web UI keeps its tokens in HttpOnly SameSite=Strict cookies instead of script-visible
// storage. A cookie is sent by the browser whoever made the page, so a request authenticated by cookie that
// changes something must also prove it comes from our own origin (CSRF defence beside SameSite).
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura::auth {

inline constexpr std::string_view kAccessCookie = "obscura_access";
inline constexpr std::string_view kRefreshCookie = "obscura_refresh";
// The refresh cookie goes only to the routes that use it.
inline constexpr std::string_view kRefreshCookiePath = "/api/auth";
// A cookie scripts may read, holding no secret ("1"), set and cleared with the other two and living as long as the
// refresh cookie: the web UI cannot see its HttpOnly cookies, and without this one it would have to call
// /api/auth/refresh on every page load just to learn that nobody is signed in (Immich's immich_is_authenticated).
inline constexpr std::string_view kSignedInCookie = "obscura_signed_in";

// Whether cookies get Secure: the request came over https (directly, or through a trusted proxy that says so
// in X-Forwarded-Proto), or server.publicUrl is https (a proxy the server was not told to trust).
bool secureCookies(const Request& request, std::string_view publicUrl);

// Set-Cookie values for a fresh session (access, refresh, signed-in); Secure when `secure` (see secureCookies).
std::vector<std::string> sessionCookies(const std::string& accessToken, std::int64_t accessSeconds,
                                        const std::string& refreshToken, std::int64_t refreshSeconds, bool secure);
// Set-Cookie values that make the browser forget all three cookies.
std::vector<std::string> clearedSessionCookies(bool secure);

// GET, HEAD and OPTIONS always pass. Other methods need an Origin (or, without one, a Referer) whose host
// and port equal publicUrl's when set, else the request's Host. Forbidden otherwise.
Status checkSameOrigin(const Request& request, std::string_view publicUrl);

// "host[:port]" of an absolute http(s) URL, lower-case, without a default port; "" when it is not one.
std::string authorityOf(std::string_view url);

}  // namespace obscura::auth
