#pragma once
// HTTP dates (RFC 9110 section 5.6.7): the Date and Last-Modified headers we send, If-Modified-Since and
// If-Range dates we read.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace obscura {

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate) for seconds since the epoch (UTC).
std::string formatHttpDate(std::int64_t epochSeconds);

// The same text, formatted at most once per second per thread (the Date header of every response). The view
// stays valid until the next call on the same thread.
std::string_view cachedHttpDate(std::int64_t epochSeconds);

// The three forms RFC 9110 says a recipient must accept: IMF-fixdate, RFC 850 and asctime, with blanks
// around them ignored. nullopt otherwise.
std::optional<std::int64_t> parseHttpDate(std::string_view text);

}  // namespace obscura
