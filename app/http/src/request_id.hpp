#pragma once
#include <string>
#include <string_view>

namespace obscura::httpd {

// A client-supplied X-Request-Id is kept when it is 1–128 characters of [A-Za-z0-9._-]; anything else could
// smuggle text into logs and headers, so a fresh id replaces it.
bool isAcceptableRequestId(std::string_view id);
// 32 lowercase hex characters (128 random bits).
std::string newRequestId();

}  // namespace obscura::httpd
