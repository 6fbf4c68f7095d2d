#include "obscura/base/http_date.hpp"

#include <cstdio>
#include <ctime>

namespace obscura {
namespace {

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string_view trimBlank(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int* out) {
    if (at + n > s.size()) return false;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int monthIndex(std::string_view name) {
    for (int i = 0; i < 12; ++i)
        if (name == kMonths[i]) return i;
    return -1;
}

// "hh:mm:ss" at `at`.
bool clock(std::string_view s, std::size_t at, std::tm* tm) {
    return digits(s, at, 2, &tm->tm_hour) && s.size() > at + 2 && s[at + 2] == ':' &&
           digits(s, at + 3, 2, &tm->tm_min) && s.size() > at + 5 && s[at + 5] == ':' &&
           digits(s, at + 6, 2, &tm->tm_sec);
}

std::optional<std::int64_t> toEpoch(std::tm tm) {
    static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (tm.tm_mon < 0 || tm.tm_mday < 1 || tm.tm_mday > kMonthDays[tm.tm_mon] || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
        return std::nullopt;
    return static_cast<std::int64_t>(::timegm(&tm));
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> imfFixdate(std::string_view s) {
    std::tm tm{};
    int year = 0;
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[25] != ' ' ||
        s.substr(26) != "GMT")
        return std::nullopt;
    if (!digits(s, 5, 2, &tm.tm_mday) || (tm.tm_mon = monthIndex(s.substr(8, 3))) < 0 || !digits(s, 12, 4, &year) ||
        !clock(s, 17, &tm))
        return std::nullopt;
    tm.tm_year = year - 1900;
    return toEpoch(tm);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> rfc850(std::string_view s) {
    const auto comma = s.find(", ");
    if (comma == std::string_view::npos) return std::nullopt;
    s.remove_prefix(comma + 2);
    std::tm tm{};
    int year = 0;
    if (s.size() != 22 || s[2] != '-' || s[6] != '-' || s[9] != ' ' || s[18] != ' ' || s.substr(19) != "GMT")
        return std::nullopt;
    if (!digits(s, 0, 2, &tm.tm_mday) || (tm.tm_mon = monthIndex(s.substr(3, 3))) < 0 || !digits(s, 7, 2, &year) ||
        !clock(s, 10, &tm))
        return std::nullopt;
    tm.tm_year = year < 70 ? year + 100 : year;  // two-digit years: 1970–2069
    return toEpoch(tm);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> asctimeDate(std::string_view s) {
    std::tm tm{};
    int year = 0;
    if (s.size() != 24 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' || s[19] != ' ') return std::nullopt;
    if ((tm.tm_mon = monthIndex(s.substr(4, 3))) < 0) return std::nullopt;
    if (s[8] == ' ') {
        if (!digits(s, 9, 1, &tm.tm_mday)) return std::nullopt;
    } else if (!digits(s, 8, 2, &tm.tm_mday)) {
        return std::nullopt;
    }
    if (!clock(s, 11, &tm) || !digits(s, 20, 4, &year)) return std::nullopt;
    tm.tm_year = year - 1900;
    return toEpoch(tm);
}

}  // namespace

std::string formatHttpDate(std::int64_t epochSeconds) {
    const std::time_t t = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char out[32];
    std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return out;
}

std::string_view cachedHttpDate(std::int64_t epochSeconds) {
    thread_local std::int64_t cachedSecond = 0;
    thread_local std::string text;
    if (epochSeconds != cachedSecond || text.empty()) {
        text = formatHttpDate(epochSeconds);
        cachedSecond = epochSeconds;
    }
    return text;
}

std::optional<std::int64_t> parseHttpDate(std::string_view text) {
    text = trimBlank(text);
    if (auto t = imfFixdate(text)) return t;
    if (auto t = rfc850(text)) return t;
    return asctimeDate(text);
}

}  // namespace obscura
