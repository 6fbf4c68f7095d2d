#pragma once
// Validators of served files (RFC 9110 section 13): ETag lists, and what If-None-Match, If-Modified-Since and
// If-Range decide (HTTP dates themselves: obscura/base/http_date.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace obscura {

// If-None-Match against our (strong) entity tag `etag` (with its quotes): "*" or any listed tag, compared
// weakly (W/"x" matches "x").
bool ifNoneMatchHits(std::string_view header, std::string_view etag);

// True when a request's conditionals make the answer 304: If-None-Match when present (it overrides
// If-Modified-Since), else If-Modified-Since at or after the last modification.
bool notModified(std::optional<std::string_view> ifNoneMatch, std::optional<std::string_view> ifModifiedSince,
                 std::string_view etag, std::int64_t lastModified);

// If-Range: the Range applies only when this still names the representation — our strong tag exactly, or the
// exact Last-Modified date. Absent: true.
bool ifRangeAllows(std::optional<std::string_view> ifRange, std::string_view etag, std::int64_t lastModified);

}  // namespace obscura
