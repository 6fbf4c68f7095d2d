#pragma once
// The asset object of DESIGN.md section 3 ("Assets"), built from a stored record. Every route that answers
// assets (listing, search, trash, one asset, upload) goes through assetJson, so the shape is defined once.
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "obscura/storage/asset_records.hpp"

namespace obscura::images {

// {id, type, originalFileName, mimeType, sizeBytes, checksum, width, height, durationSeconds?, takenAt,
//  createdAt, title, description, tags, isFavorite, isArchived, isTrashed, trashedAt?, livePhotoVideoId, exifInfo{…},
//  derivatives{thumbnail, preview, video}, thumbnailUrl, previewUrl}.
// durationSeconds only for assets that have one, trashedAt only while trashed; every exifInfo key is present
// (null when unknown). The URLs carry &v=<version> of the derivative so a client may cache them forever.
// The same object as text, or appended to out (the listing writes hundreds into one string).
std::string assetObjectJson(const storage::AssetRecord& asset);
void appendAssetJson(std::string& out, const storage::AssetRecord& asset);
void appendAssetJson(std::string& out, const storage::AssetView& asset);
// As a JSON value, for answers that add fields (the upload's {id, status, …asset}).
nlohmann::json assetJson(const storage::AssetRecord& asset);

// The listing shape {items:[asset…], nextCursor} (nextCursor null on the last page).
std::string assetPageJson(const storage::AssetPage& page, const std::string& nextCursor);
// The same written one asset at a time as the rows are read (ImagesRepository::visitAssets).
class AssetPageWriter {
public:
    explicit AssetPageWriter(std::size_t expectedItems);
    void add(const storage::AssetView& asset);
    std::string finish(const std::string& nextCursor);  // "" → null; the writer is spent

private:
    char* room(std::size_t bytes);
    std::string out_;
    std::size_t end_ = 0;  // the written length; out_ may be longer (room made, not yet written)
    std::size_t items_ = 0;
};

// The exifInfo keys, in order; the stored exif JSON is an object with (some of) these keys.
inline constexpr const char* kExifInfoKeys[] = {
    "make",     "model",     "lens",        "fNumber",          "exposureTime", "iso", "focalLength",
    "latitude", "longitude", "orientation", "dateTimeOriginal", "rating"};  // rating: from an XMP sidecar (Immich's
                                                                            // exifInfo.rating)

}  // namespace obscura::images
