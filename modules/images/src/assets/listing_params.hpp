#pragma once
// The query parameters of the asset listings (GET /api/assets, /api/trash, /api/search, /api/timeline),
// parsed once with the same rules and error messages for every route. Unknown parameters are ignored;
// a bad value, or a single-valued parameter given twice, is 400.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::images {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 500;
inline constexpr std::size_t kMaxSearchBytes = 256;
inline constexpr int kMaxSearchWords = 16;

// One query parameter, for every route that reads the same kinds: nullopt when absent, 400 when repeated;
// boolParam: true|false; instantParam: RFC 3339 with offset, as UTC microseconds.
Expected<std::optional<std::string>> singleParam(const Request& req, std::string_view name);
Expected<std::optional<bool>> boolParam(const Request& req, std::string_view name);
Expected<std::optional<std::int64_t>> instantParam(const Request& req, std::string_view name);

enum class Listing { Assets, Trash, Search, Timeline };

// limit, cursor, order (desc|asc), from/to (RFC 3339; from inclusive, to exclusive), tag, albumId, favorite,
// archived (true|false), type (image|video), q, and the finding filters (finding_params.hpp). Trash lists the trash
// (archived assets included unless archived= says otherwise); Search requires q or a filter; Timeline takes no paging
// parameters.
Expected<storage::AssetQuery> parseListing(const Request& req, const std::string& ownerId, Listing listing);

// withPartners=true|false (default false): whether the listing also shows the libraries of the partners who share
// with the caller and whom the caller put in their timeline. Only with what partners can show: 400 beside
// favorite, albumId, or archived=true (a partner's favourites, albums and archive are theirs alone).
Expected<bool> parseWithPartners(const Request& req, const storage::AssetQuery& query);

}  // namespace obscura::images
