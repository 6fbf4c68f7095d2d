#pragma once
// Where a photo was taken, from its stored EXIF (exifInfo.latitude / longitude), and how far apart two places are.
#include <optional>

#include "obscura/storage/asset_records.hpp"

namespace obscura::images {

struct GeoPoint {
    double latitude = 0;
    double longitude = 0;
};

// nullopt when the EXIF has no usable GPS position (missing, not numbers, out of range, or exactly 0,0 — what
// cameras without a fix write).
std::optional<GeoPoint> placeOf(const storage::AssetRecord& asset);

// Great-circle distance in kilometres (haversine, Earth radius 6371 km).
double kilometresBetween(GeoPoint a, GeoPoint b);

}  // namespace obscura::images
