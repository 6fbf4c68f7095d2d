#pragma once
// RFC 3339 date-times as DESIGN.md uses them everywhere: "2021-07-04T10:20:30+02:00", UTC as "Z".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace obscura::images {

struct Rfc3339 {
    std::string text;   // normalised: 'T' and 'Z' upper-case, otherwise as given (offset and fraction kept)
    std::int64_t utcUs = 0;
};

// Strict: date, 'T' (or 't' or a space), time with seconds, optional fraction (kept to microseconds in utcUs),
// and an offset (Z or ±HH:MM) — a time without an offset is not an instant. Impossible dates (2021-02-30),
// hours past 23 and leap seconds are refused. nullopt for anything else.
std::optional<Rfc3339> parseRfc3339(std::string_view text);

// UTC microseconds as "2021-07-04T08:20:30.123456Z" (fraction only when non-zero, trimmed to milliseconds
// when that is exact).
std::string formatRfc3339Utc(std::int64_t utcUs);

// "2024-05" for a UTC time: the month bandwidth is counted in.
std::string utcMonth(std::int64_t utcUs);

}  // namespace obscura::images
