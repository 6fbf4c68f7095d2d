#include "finding/finding_params.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "assets/listing_params.hpp"

namespace obscura::images {

namespace {

// A whole decimal number (no spaces, no hex, no inf/nan), or nullopt.
std::optional<double> decimal(std::string_view text) {
    if (text.empty() || text.size() > 32) return std::nullopt;
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value, std::chars_format::fixed);
    if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
    return value;
}

Status cameraText(const Request& req, std::string_view name, std::optional<std::string>& out) {
    OBSCURA_TRY(raw, singleParam(req, name));
    if (!raw) return {};
    if (raw->empty() || raw->size() > kMaxCameraTextBytes)
        return badRequest(std::string(name) + " must be 1 to " + std::to_string(kMaxCameraTextBytes) + " bytes");
    out = std::move(raw);
    return {};
}

Expected<std::optional<storage::AssetFilter::Near>> near(const Request& req) {
    OBSCURA_TRY(raw, singleParam(req, "near"));
    if (!raw) return std::optional<storage::AssetFilter::Near>();
    const std::string_view text = *raw;
    const auto first = text.find(',');
    const auto second = first == std::string_view::npos ? first : text.find(',', first + 1);
    if (second == std::string_view::npos || text.find(',', second + 1) != std::string_view::npos)
        return badRequest("near must be lat,lon,km (e.g. near=48.8584,2.2945,5)");
    const auto lat = decimal(text.substr(0, first));
    const auto lon = decimal(text.substr(first + 1, second - first - 1));
    const auto km = decimal(text.substr(second + 1));
    if (!lat || *lat < -90 || *lat > 90) return badRequest("near: latitude must be a number from -90 to 90");
    if (!lon || *lon < -180 || *lon > 180) return badRequest("near: longitude must be a number from -180 to 180");
    if (!km || *km <= 0 || *km > kMaxNearKm)
        return badRequest("near: km must be a number above 0 and at most " +
                          std::to_string(static_cast<int>(kMaxNearKm)));
    return std::optional<storage::AssetFilter::Near>(storage::AssetFilter::Near{*lat, *lon, *km});
}

int digits(std::string_view text) {
    int value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return -1;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

Status parseFindingFilters(const Request& req, storage::AssetFilter& filter) {
    OBSCURA_TRY_STATUS(cameraText(req, "make", filter.make));
    OBSCURA_TRY_STATUS(cameraText(req, "model", filter.model));
    OBSCURA_TRY_STATUS(cameraText(req, "lens", filter.lens));
    OBSCURA_TRY(where, near(req));
    filter.near = where;
    if (filter.fromUs && filter.toUs && *filter.fromUs > *filter.toUs) return badRequest("from must not be after to");
    return {};
}

bool isLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

std::optional<CalendarDate> parseCalendarDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const CalendarDate d{digits(text.substr(0, 4)), digits(text.substr(5, 2)), digits(text.substr(8, 2))};
    if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1) return std::nullopt;
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int days = d.month == 2 && isLeapYear(d.year) ? 29 : kDays[d.month - 1];
    if (d.day > days) return std::nullopt;
    return d;
}

}  // namespace obscura::images
