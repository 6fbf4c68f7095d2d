#pragma once
// The listing's opaque cursor: the keyset position (takenAtUs, id) of the last item of a page, as base64url
// without padding. Clients must not build or parse it; the server rejects anything it did not make.
#include <optional>
#include <string>
#include <string_view>

#include "obscura/storage/asset_records.hpp"

namespace obscura::images {

std::string encodeCursor(const storage::AssetCursor& cursor);
// nullopt for text that is not a cursor this server makes (bad base64url, padding, wrong shape, not a UUID).
std::optional<storage::AssetCursor> decodeCursor(std::string_view text);

std::string base64UrlEncode(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace obscura::images
