#pragma once
// The accepted-types table is a byte-format fact and lives in obscura_formats; an asset's type is also images'
// own vocabulary (asset rows, listings, media's jobs), so images names the table's types here and its code
// and media's keep saying images::MediaType.
#include "obscura/formats/media_types.hpp"

namespace obscura::images {

using formats::acceptedMediaTypes;
using formats::AssetType;
using formats::MediaType;
using formats::mediaTypeByMime;
using formats::mediaTypeByName;
using formats::sniffMediaType;

}  // namespace obscura::images
