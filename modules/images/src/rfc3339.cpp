#include "rfc3339.hpp"

#include <cstdio>

namespace obscura::images {

namespace {

constexpr std::int64_t kUsPerSecond = 1000000;

// Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic Gregorian date.
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
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
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned daysInMonth(std::int64_t year, unsigned month) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads exactly n digits at text[pos].
std::optional<unsigned> digits(std::string_view text, std::size_t pos, std::size_t n) {
    if (pos + n > text.size()) return std::nullopt;
    unsigned value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value;
}

}  // namespace

std::optional<Rfc3339> parseRfc3339(std::string_view text) {
    if (text.size() < 20 || text.size() > 40) return std::nullopt;
    const auto year = digits(text, 0, 4);
    const auto month = digits(text, 5, 2);
    const auto day = digits(text, 8, 2);
    const auto hour = digits(text, 11, 2);
    const auto minute = digits(text, 14, 2);
    const auto second = digits(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
    const char sep = text[10];
    if (text[4] != '-' || text[7] != '-' || (sep != 'T' && sep != 't' && sep != ' ') || text[13] != ':' ||
        text[16] != ':')
        return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > daysInMonth(*year, *month) || *hour > 23 || *minute > 59 ||
        *second > 59)
        return std::nullopt;

    std::size_t pos = 19;
    std::int64_t fractionUs = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        std::int64_t scale = 100000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            fractionUs += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start || pos - start > 9) return std::nullopt;
    }
    if (pos >= text.size()) return std::nullopt;
    std::int64_t offsetSeconds = 0;
    const char zone = text[pos];
    if (zone == 'Z' || zone == 'z') {
        ++pos;
    } else if (zone == '+' || zone == '-') {
        const auto oh = digits(text, pos + 1, 2);
        const auto om = digits(text, pos + 4, 2);
        if (!oh || !om || pos + 3 >= text.size() || text[pos + 3] != ':' || *oh > 23 || *om > 59) return std::nullopt;
        offsetSeconds = (zone == '+' ? 1 : -1) * static_cast<std::int64_t>(*oh * 3600 + *om * 60);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;

    const std::int64_t seconds = daysFromCivil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second -
                                 offsetSeconds;
    Rfc3339 result;
    result.text = std::string(text);
    result.text[10] = 'T';
    if (result.text.back() == 'z') result.text.back() = 'Z';
    result.utcUs = seconds * kUsPerSecond + fractionUs;
    return result;
}

std::string formatRfc3339Utc(std::int64_t utcUs) {
    std::int64_t seconds = utcUs / kUsPerSecond;
    std::int64_t fraction = utcUs % kUsPerSecond;
    if (fraction < 0) {
        fraction += kUsPerSecond;
        --seconds;
    }
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    const Civil c = civilFromDays(days);
    char text[48];
    int n = std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(c.year),
                          c.month, c.day, static_cast<long long>(rest / 3600), static_cast<long long>(rest / 60 % 60),
                          static_cast<long long>(rest % 60));
    if (fraction % 1000 == 0 && fraction != 0) {
        n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), ".%03lld",
                           static_cast<long long>(fraction / 1000));
    } else if (fraction != 0) {
        n += std::snprintf(text + n, sizeof text - static_cast<std::size_t>(n), ".%06lld",
                           static_cast<long long>(fraction));
    }
    return std::string(text, static_cast<std::size_t>(n)) + "Z";
}

std::string utcMonth(std::int64_t utcUs) { return formatRfc3339Utc(utcUs).substr(0, 7); }

}  // namespace obscura::images
