#pragma once
// The query parameters of "finding photos again" (DESIGN.md section 11), shared by the listings (search filters),
// the map and memories. A bad value is 400 with the parameter named in the message.
#include <optional>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::images {

inline constexpr std::size_t kMaxCameraTextBytes = 255;  // make, model, lens (the column's width on MariaDB)
inline constexpr double kMaxNearKm = 20038;              // half the Earth's circumference: every point is nearer

// make, model, lens (non-empty, at most kMaxCameraTextBytes), near=lat,lon,km (degrees, lat -90..90, lon
// -180..180, km > 0 and at most kMaxNearKm); and from must not be after to (both parsed already into filter).
Status parseFindingFilters(const Request& req, storage::AssetFilter& filter);

struct CalendarDate {
    int year = 0;
    int month = 0;
    int day = 0;
};
bool isLeapYear(int year);
// YYYY-MM-DD, a real calendar date (30 February is not; 29 February only in a leap year). nullopt otherwise.
std::optional<CalendarDate> parseCalendarDate(std::string_view text);

}  // namespace obscura::images
