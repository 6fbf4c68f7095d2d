#pragma once
// XMP sidecars applied to what an import records (DESIGN.md section 12), for every way a file comes in: the
// `sidecarData` part of POST /api/assets and the .xmp beside a file on `obscura import`. The original is never
// touched: the sidecar's values go into the asset row only.
//
// Precedence: the client's own form fields (title, description, takenAt) > the sidecar > the file's EXIF. Tags are
// the union (the form's first). Rating and GPS go into exifInfo (rating, latitude, longitude), replacing the file's.
#include <optional>
#include <string>

#include "assets/asset_metadata.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/formats/xmp_sidecar.hpp"
#include "obscura/storage/asset_records.hpp"
#include "upload/upload_fields.hpp"

namespace obscura::images {

// Parses sidecar bytes into fields.sidecar, or records why they were ignored in fields.sidecarIgnored ("the sidecar
// was ignored: malformed XML at line 1: …"). Never fails the upload: a sidecar is extra information.
void attachSidecar(UploadFields& fields, std::string_view xml);

// For `obscura import`: the sidecar of `originalPath`, looked up as darktable, Lightroom and Immich write them —
// "<name>.<ext>.xmp", "<name>.<ext>.XMP", "<name>.xmp", "<name>.XMP" — the first that exists. nullopt: none.
// Its content must then go through attachSidecar (bounded: a file over kMaxSidecarBytes is reported as ignored).
std::optional<std::string> findSidecarBeside(const std::string& originalPath);
// Reads and attaches the sidecar beside `originalPath`, if any (findSidecarBeside + attachSidecar).
void attachSidecarBeside(UploadFields& fields, const std::string& originalPath);

// What the importer does with fields.sidecar once the file's metadata is read: fills the record's title,
// description and tags (unless the form gave them), and moves the date, GPS and rating into `meta`.
void applySidecar(const UploadFields& fields, storage::AssetRecord& record, MediaMetadata& meta);

// exifInfo JSON with the sidecar's rating and coordinates in place of the file's (exif_json.cpp).
std::string exifJsonWithSidecar(const std::string& exifJson, const formats::XmpSidecar& sidecar);

}  // namespace obscura::images
