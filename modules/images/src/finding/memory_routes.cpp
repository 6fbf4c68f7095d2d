// GET /api/memories?for=YYYY-MM-DD (Immich's shape): "on this day" in past years.
//
// Time zones: a photo's day is the calendar day of its takenAt as written, i.e. in the offset it was taken in (the
// timeline's months are read the same way) — a photo taken on 4 July at 23:30 in Tokyo is a 4 July memory wherever
// it is looked at. `for` is the caller's own today (the web UI sends its local date); without it, today in UTC.
// 29 February: on 28 February of a year without one, that day's memories include the photos of 29 February, so a
// leap-day photo comes back every year; in a leap year, 28 and 29 February are their own days.
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "assets/asset_json.hpp"
#include "assets/listing_params.hpp"
#include "finding/finding_params.hpp"
#include "finding/finding_routes.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

constexpr int kMaxMemoryAssets = 500;  // newest first: a day with more shows its most recent years whole

std::string twoDigits(int n) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d", n);
    return buffer;
}

// [{id, type:"on_this_day", data:{year}, assets:[…]}], newest year first; id = the memory's own date. Grouped by the
// takenAt text's year (the photo's local year), whatever order the instants gave (a library imported with times that
// disagree with their text still groups whole years).
std::string memoriesJson(const std::vector<storage::AssetRecord>& assets, const std::string& monthDay) {
    std::map<std::string, std::vector<const storage::AssetRecord*>, std::greater<>> years;
    for (const auto& asset : assets) years[asset.takenAt.substr(0, 4)].push_back(&asset);
    std::string out = "[";
    for (const auto& [year, members] : years) {
        if (out.size() > 1) out += ',';
        out += R"({"id":")" + year + "-" + monthDay + R"(","type":"on_this_day","data":{"year":)";
        out += std::to_string(std::stoi(year)) + R"(},"assets":[)";
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i > 0) out += ',';
            appendAssetJson(out, *members[i]);
        }
        out += "]}";
    }
    out += ']';
    return out;
}

}  // namespace

std::vector<Route> memoryRoutes(storage::Storage& storage, const Clock& clock) {
    return {
        Route{.method = Method::Get,
              .pattern = "/api/memories",
              .module = "images",
              .summary = "On this day in past years (Immich): for=YYYY-MM-DD, the caller's local today (default: UTC)",
              .handler = [&storage, &clock](Request& req) -> Expected<Response> {
                  OBSCURA_TRY(raw, singleParam(req, "for"));
                  const std::string text = raw ? *raw : formatRfc3339(clock.nowUs()).substr(0, 10);
                  const auto date = parseCalendarDate(text);
                  if (!date) return badRequest("for must be a calendar date YYYY-MM-DD, e.g. for=2024-07-04");
                  storage::MemoryQuery query;
                  query.ownerId = req.principal->userId;
                  const std::string monthDay = twoDigits(date->month) + "-" + twoDigits(date->day);
                  query.monthDays.push_back(monthDay);
                  if (date->month == 2 && date->day == 28 && !isLeapYear(date->year))
                      query.monthDays.push_back("02-29");
                  query.beforeYear = text.substr(0, 4);
                  query.limit = kMaxMemoryAssets;
                  OBSCURA_TRY(assets, withRepos(storage, [&](storage::Repositories& repos) {
                                  return repos.images().memories(query);
                              }));
                  return Response::json(200, memoriesJson(assets, monthDay));
              }}};
}

}  // namespace obscura::images
