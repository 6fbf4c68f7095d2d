#pragma once
// The text fields of POST /api/assets (DESIGN.md section 3): ours (title, description, tags, takenAt,
// albumId) and Immich's (deviceAssetId, deviceId, fileCreatedAt, fileModifiedAt, isFavorite, fileSize).
// Unknown fields are skipped. A known field with a bad value is Invalid (422) naming the field, so a client
// learns what to fix; every field but `tags` may be sent once.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/formats/xmp_sidecar.hpp"

namespace obscura::images {

// Name and value of each non-file part, in the order received.
using FormFields = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::size_t kMaxDeviceIdBytes = 255;

struct UploadFields {
    std::string title;
    std::string description;
    std::vector<std::string> tags;   // normalised (asset_text.hpp)
    std::optional<Rfc3339> takenAt;  // the client's choice: wins over every date in the file
    // Accepted and validated (a UUID) but not applied yet: albums come with the next issue.
    std::optional<std::string> albumId;
    std::string deviceAssetId;
    std::string deviceId;
    std::optional<Rfc3339> fileCreatedAt;
    std::optional<Rfc3339> fileModifiedAt;
    bool isFavorite = false;
    std::optional<std::int64_t> fileSize;  // when sent, the file part must have exactly this many bytes
    // From a sidecar on `obscura import` (library_import.hpp), never from the form: a location that wins over
    // the file's EXIF GPS and the XMP sidecar's (both or neither).
    std::optional<double> latitude;
    std::optional<double> longitude;
    // An XMP sidecar (Immich's `sidecarData` part, or the .xmp beside a file on `obscura import`), already parsed
    // (formats::parseXmpSidecar). Its values win over the file's EXIF; the fields above win over it
    // (sidecar_metadata.hpp). sidecarIgnored: why a sidecar that came was not used (the upload goes on).
    std::optional<formats::XmpSidecar> sidecar;
    std::string sidecarIgnored;
};

Expected<UploadFields> parseUploadFields(const FormFields& fields);

}  // namespace obscura::images
