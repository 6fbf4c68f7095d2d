#include <cmath>
#include <nlohmann/json.hpp>

#include "duplicates/asset_place.hpp"

namespace obscura::images {

std::optional<GeoPoint> placeOf(const storage::AssetRecord& asset) {
    const auto exif = nlohmann::json::parse(asset.exif, nullptr, false);
    if (!exif.is_object()) return std::nullopt;
    const auto lat = exif.find("latitude");
    const auto lon = exif.find("longitude");
    if (lat == exif.end() || lon == exif.end() || !lat->is_number() || !lon->is_number()) return std::nullopt;
    const GeoPoint p{lat->get<double>(), lon->get<double>()};
    if (!std::isfinite(p.latitude) || !std::isfinite(p.longitude) || std::abs(p.latitude) > 90 ||
        std::abs(p.longitude) > 180 || (p.latitude == 0 && p.longitude == 0))
        return std::nullopt;
    return p;
}

double kilometresBetween(GeoPoint a, GeoPoint b) {
    constexpr double kRadians = M_PI / 180;
    const double dLat = (b.latitude - a.latitude) * kRadians;
    const double dLon = (b.longitude - a.longitude) * kRadians;
    const double h = std::sin(dLat / 2) * std::sin(dLat / 2) + std::cos(a.latitude * kRadians) *
                                                                   std::cos(b.latitude * kRadians) *
                                                                   std::sin(dLon / 2) * std::sin(dLon / 2);
    return 2 * 6371.0 * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace obscura::images
