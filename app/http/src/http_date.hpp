#pragma once
#include <string_view>

namespace obscura::httpd {

// The current time as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") for the Date header. Formatted at most
// once per second per thread; the view stays valid until the next call on the same thread.
std::string_view httpDate();

}  // namespace obscura::httpd
