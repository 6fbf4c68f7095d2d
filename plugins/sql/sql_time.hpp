#pragma once
// RFC 3339 text <-> UTC microseconds, for the *_us twins that order rows by time (text with different
// offsets does not sort chronologically).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace obscura::sql {

// "2024-05-01T12:00:00Z", "2024-05-01T14:00:00.123456+02:00" (T or t, Z or z or ±HH:MM, any number of
// fraction digits, microseconds kept). nullopt for anything else, including impossible dates.
std::optional<std::int64_t> parseRfc3339Us(std::string_view text);

// "2024-05-01T12:00:00.123Z": UTC, milliseconds, the form the kernel writes.
std::string formatRfc3339Us(std::int64_t us);

}  // namespace obscura::sql
