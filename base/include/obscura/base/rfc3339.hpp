#pragma once
// RFC 3339 times: the one parser and the one formatter (docs/api.md, "Times").
//
// Every time the server stamps (createdAt, updatedAt, trashedAt, job times…) is written by formatRfc3339 in one
// shape: UTC, milliseconds always, upper-case T and Z — "2024-05-01T12:00:00.123Z", what JavaScript's
// toISOString() writes. Times a client or a file supplied (takenAt, expiresAt) are kept as Rfc3339::text: the
// input as written, only T and Z upper-cased, so the offset the photo was taken at survives.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace obscura {

struct Rfc3339 {
    std::string text;  // normalised: 'T' and 'Z' upper-case, a space separator as 'T'; offset and fraction kept
    std::int64_t utcUs = 0;
};

// Accepts what any client of ours has sent: "YYYY-MM-DD", then 'T', 't' or a space, "hh:mm:ss", an optional
// fraction of any number of digits (kept to microseconds; further digits are ignored), and an offset 'Z', 'z'
// or ±hh:mm — a time without an offset is not an instant. Impossible dates (2021-02-30), hours past 23,
// minutes past 59 and offsets past 23:59 are refused; second 60 only as a real leap second (23:59:60 UTC),
// read as the second after :59. nullopt for anything else.
std::optional<Rfc3339> parseRfc3339(std::string_view text);
// The same rules, for callers that need only the instant.
std::optional<std::int64_t> parseRfc3339Us(std::string_view text);

// UTC microseconds as "2024-05-01T12:00:00.123Z": always three fraction digits, sub-millisecond part dropped
// (rounded toward the past, also before 1970).
std::string formatRfc3339(std::int64_t utcUs);

// "2024-05" for a UTC time: the month bandwidth and usage are counted in.
std::string utcMonth(std::int64_t utcUs);

}  // namespace obscura
