#pragma once
// Google Takeout's sidecars (DESIGN.md section 12). Each photo or video of a Takeout has a JSON file beside it
// whose name Google derives from the photo's, with rules worked out by the tools that read Takeouts (immich-go's
// matchers, among others):
//   - the JSON is "<media name>.json", or since 2024 "<media name>.supplemental-metadata.json";
//   - the part before ".json" is cut to 46 characters (Unicode code points), so ".supplemental-metadata" and
//     even the media's own extension may be cut short ("…_n.j.json"); media names are cut to 47 + extension;
//   - a second file of the same name gets "(1)" before its extension, but its JSON gets it after the whole
//     name: IMG_1234(1).jpg ↔ IMG_1234.jpg(1).json (↔ IMG_1234.jpg.supplemental-metadata(1).json);
//   - an edited copy, "IMG_1234-edited.jpg" (or the word in the account's language), has no JSON of its own and
//     takes the original's.
// Album folders hold a metadata.json (metadata.json, métadonnées.json, … by language) with the album's title.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/images/library_import.hpp"

namespace obscura::import {

// Which of a folder's JSON names belongs to `mediaName` (exact names before cut ones); nullopt for none.
std::optional<std::size_t> matchTakeoutSidecar(std::string_view mediaName, const std::vector<std::string>& jsonNames);

// "IMG_1234-edited.jpg" → "IMG_1234.jpg"; "" when the name is no edited copy's.
std::string uneditedName(std::string_view mediaName);

struct TakeoutSidecar {
    images::ImportSidecar values;       // what wins over the file's EXIF
    std::string title;                  // Google's "title": the photo's full file name (the archive's may be cut)
    bool trashed = false;               // in Google Photos' trash when the Takeout was made
    std::vector<std::string> warnings;  // values refused (impossible dates or coordinates): the file is imported
};

// A photo's JSON. Invalid when it is no JSON object. Impossible values are left out with a warning: a date
// before 1826 (the oldest photograph) or more than a day in the future, a latitude beyond ±90 or a longitude
// beyond ±180; Google's 0,0 means "no location" and is left out silently. `nowSeconds`: Unix time.
Expected<TakeoutSidecar> parseTakeoutSidecar(std::string_view json, std::int64_t nowSeconds);

// An album folder's metadata: its title (may be ""); nullopt when `json` is no album metadata (a photo's).
std::optional<std::string> parseAlbumMetadata(std::string_view json);

}  // namespace obscura::import
