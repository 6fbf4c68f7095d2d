#include "obscura/base/rfc3339.hpp"

#include <cstdio>

namespace obscura {
namespace {

constexpr std::int64_t kUsPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month, day;
};

Civil civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

unsigned daysInMonth(std::int64_t year, unsigned month) {
    static constexpr unsigned kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDaysInMonth[month - 1];
}

// Reads exactly `width` digits at pos and moves past them.
bool digits(std::string_view text, std::size_t& pos, std::size_t width, unsigned& out) {
    if (pos + width > text.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        out = out * 10 + static_cast<unsigned>(c - '0');
    }
    pos += width;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

// Floor division: the second (and the day) a time before 1970 falls in, not the one nearer zero.
std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace

std::optional<Rfc3339> parseRfc3339(std::string_view text) {
    std::size_t pos = 0;
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(text, pos, 4, year) || !expect(text, pos, '-') || !digits(text, pos, 2, month) ||
        !expect(text, pos, '-') || !digits(text, pos, 2, day))
        return std::nullopt;
    if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) return std::nullopt;
    ++pos;
    if (!digits(text, pos, 2, hour) || !expect(text, pos, ':') || !digits(text, pos, 2, minute) ||
        !expect(text, pos, ':') || !digits(text, pos, 2, second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;

    std::int64_t fractionUs = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t first = pos;
        std::int64_t scale = 100'000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            fractionUs += (text[pos] - '0') * scale;  // digits past microseconds add 0
            scale /= 10;
            ++pos;
        }
        if (pos == first) return std::nullopt;
    }

    std::int64_t offsetMinutes = 0;
    if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '+' ? 1 : -1;
        ++pos;
        unsigned offsetHours = 0, offsetMins = 0;
        if (!digits(text, pos, 2, offsetHours) || !expect(text, pos, ':') || !digits(text, pos, 2, offsetMins) ||
            offsetHours > 23 || offsetMins > 59)
            return std::nullopt;
        offsetMinutes = sign * static_cast<std::int64_t>(offsetHours * 60 + offsetMins);
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const std::int64_t minuteOfDayUtc = static_cast<std::int64_t>(hour * 60 + minute) - offsetMinutes;
    // A leap second is only ever inserted as 23:59:60 UTC; :60 at any other minute names no instant.
    if (second == 60 && (minuteOfDayUtc % 1440 + 1440) % 1440 != 1439) return std::nullopt;

    const std::int64_t seconds = daysFromCivil(year, month, day) * kSecondsPerDay + minuteOfDayUtc * 60 + second;
    Rfc3339 result;
    result.text = std::string(text);
    result.text[10] = 'T';
    if (result.text.back() == 'z') result.text.back() = 'Z';
    result.utcUs = seconds * kUsPerSecond + fractionUs;
    return result;
}

std::optional<std::int64_t> parseRfc3339Us(std::string_view text) {
    auto parsed = parseRfc3339(text);
    if (!parsed) return std::nullopt;
    return parsed->utcUs;
}

std::string formatRfc3339(std::int64_t utcUs) {
    const std::int64_t seconds = floorDiv(utcUs, kUsPerSecond);
    const std::int64_t millis = (utcUs - seconds * kUsPerSecond) / 1000;
    const std::int64_t days = floorDiv(seconds, kSecondsPerDay);
    const std::int64_t secondOfDay = seconds - days * kSecondsPerDay;
    const Civil c = civilFromDays(days);
    char buffer[48];
    const int n = std::snprintf(
        buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(c.year), c.month,
        c.day, static_cast<long long>(secondOfDay / 3600), static_cast<long long>(secondOfDay / 60 % 60),
        static_cast<long long>(secondOfDay % 60), static_cast<long long>(millis));
    return std::string(buffer, static_cast<std::size_t>(n));
}

std::string utcMonth(std::int64_t utcUs) { return formatRfc3339(utcUs).substr(0, 7); }

}  // namespace obscura
