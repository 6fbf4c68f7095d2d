// Takeout's JSON sidecars read into what `obscura import` hands the images module (takeout_sidecar.hpp).
#include <cmath>
#include <nlohmann/json.hpp>

#include "import/takeout_sidecar.hpp"
#include "obscura/base/rfc3339.hpp"

namespace obscura::import {

namespace {

constexpr std::int64_t kOldestPhotoSeconds = -4575744000;  // 1825-01-01: before the first photograph
constexpr std::int64_t kFutureSlackSeconds = 86400;

// Google writes Unix seconds as a string ("1500000000"); a number is read too.
std::optional<std::int64_t> seconds(const nlohmann::json& j) {
    if (j.is_number_integer()) return j.get<std::int64_t>();
    if (!j.is_string()) return std::nullopt;
    const auto& s = j.get_ref<const std::string&>();
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::int64_t v = 0;
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        v = v * 10 + (s[i] - '0');
    }
    return s[0] == '-' ? -v : v;
}

std::optional<std::string> text(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

// geoData when it holds a place, else geoDataExif (the camera's), else nothing.
void readPlace(const nlohmann::json& j, TakeoutSidecar& out) {
    for (const char* key : {"geoData", "geoDataExif"}) {
        auto it = j.find(key);
        if (it == j.end() || !it->is_object()) continue;
        auto lat = it->find("latitude");
        auto lon = it->find("longitude");
        if (lat == it->end() || lon == it->end() || !lat->is_number() || !lon->is_number()) continue;
        const double la = lat->get<double>();
        const double lo = lon->get<double>();
        if (la == 0.0 && lo == 0.0) continue;  // Google's "no location"
        if (!std::isfinite(la) || !std::isfinite(lo) || std::fabs(la) > 90.0 || std::fabs(lo) > 180.0) {
            out.warnings.push_back(std::string("sidecar ") + key + " has impossible coordinates (" +
                                   std::to_string(la) + ", " + std::to_string(lo) + "): ignored");
            continue;
        }
        out.values.latitude = la;
        out.values.longitude = lo;
        return;
    }
}

void readTaken(const nlohmann::json& j, std::int64_t nowSeconds, TakeoutSidecar& out) {
    auto it = j.find("photoTakenTime");
    if (it == j.end() || !it->is_object()) return;
    auto ts = it->find("timestamp");
    if (ts == it->end()) return;
    auto value = seconds(*ts);
    if (!value || *value < kOldestPhotoSeconds || *value > nowSeconds + kFutureSlackSeconds) {
        out.warnings.push_back("sidecar photoTakenTime " + ts->dump() + " is not a possible date: ignored");
        return;
    }
    // Google gives the instant, not the place's offset: written in UTC, as DESIGN.md does for an unknown zone.
    const std::string formatted = formatRfc3339(*value * 1000000);
    if (auto parsed = parseRfc3339(formatted)) out.values.takenAt = parsed;
}

}  // namespace

Expected<TakeoutSidecar> parseTakeoutSidecar(std::string_view json, std::int64_t nowSeconds) {
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return invalid("the sidecar is not a JSON object");
    TakeoutSidecar out;
    if (auto title = text(j, "title")) out.title = *title;
    if (auto description = text(j, "description"); description && !description->empty())
        out.values.description = *description;
    if (auto fav = j.find("favorited"); fav != j.end() && fav->is_boolean()) out.values.favorite = fav->get<bool>();
    if (auto trashed = j.find("trashed"); trashed != j.end() && trashed->is_boolean()) out.trashed = *trashed;
    readTaken(j, nowSeconds, out);
    readPlace(j, out);
    return out;
}

std::optional<std::string> parseAlbumMetadata(std::string_view json) {
    const auto j = nlohmann::json::parse(json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    // Older Takeouts wrapped it: {"albumData": {"title": …}}.
    const auto& album = j.contains("albumData") && j["albumData"].is_object() ? j["albumData"] : j;
    if (album.contains("photoTakenTime") || album.contains("creationTime")) return std::nullopt;
    auto title = text(album, "title");
    if (!title) return std::nullopt;
    return title;
}

}  // namespace obscura::import
