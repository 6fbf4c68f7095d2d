#include "assets/listing_params.hpp"

#include "assets/asset_cursor.hpp"
#include "finding/finding_params.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"

namespace obscura::images {

Expected<std::optional<std::string>> singleParam(const Request& req, std::string_view name) {
    const auto all = req.queryParamAll(name);
    if (all.empty()) return std::optional<std::string>();
    if (all.size() > 1) return badRequest(std::string(name) + " may be given only once");
    return std::optional<std::string>(std::string(all.front()));
}

Expected<std::optional<bool>> boolParam(const Request& req, std::string_view name) {
    OBSCURA_TRY(raw, singleParam(req, name));
    if (!raw) return std::optional<bool>();
    if (*raw == "true") return std::optional<bool>(true);
    if (*raw == "false") return std::optional<bool>(false);
    return badRequest(std::string(name) + " must be true or false");
}

Expected<std::optional<std::int64_t>> instantParam(const Request& req, std::string_view name) {
    OBSCURA_TRY(raw, singleParam(req, name));
    if (!raw) return std::optional<std::int64_t>();
    const auto parsed = parseRfc3339(*raw);
    if (!parsed)
        return badRequest(std::string(name) + " must be an RFC 3339 time with offset, e.g. 2021-07-04T10:20:30Z");
    return std::optional<std::int64_t>(parsed->utcUs);
}

namespace {

Expected<int> limitOf(const Request& req) {
    OBSCURA_TRY(raw, singleParam(req, "limit"));
    if (!raw) return kDefaultPageSize;
    const std::string message = "limit must be a whole number from 1 to " + std::to_string(kMaxPageSize);
    if (raw->empty() || raw->size() > 4) return badRequest(message);
    int limit = 0;
    for (const char c : *raw) {
        if (c < '0' || c > '9') return badRequest(message);
        limit = limit * 10 + (c - '0');
    }
    if (limit < 1 || limit > kMaxPageSize) return badRequest(message);
    return limit;
}

Status searchText(const std::string& q) {
    if (q.size() > kMaxSearchBytes) return badRequest("q may be at most " + std::to_string(kMaxSearchBytes) + " bytes");
    // Counted the way every storage plugin splits words: runs of ASCII letters and digits, or of non-ASCII.
    int words = 0;
    bool inWord = false;
    for (const char c : q) {
        const auto u = static_cast<unsigned char>(c);
        const bool wordChar = u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
        if (wordChar && !inWord) ++words;
        inWord = wordChar;
    }
    if (words > kMaxSearchWords) return badRequest("q may have at most " + std::to_string(kMaxSearchWords) + " words");
    return {};
}

}  // namespace

Expected<storage::AssetQuery> parseListing(const Request& req, const std::string& ownerId, Listing listing) {
    storage::AssetQuery query;
    auto& f = query.filter;
    f.ownerId = ownerId;
    if (listing != Listing::Timeline) {
        OBSCURA_TRY(limit, limitOf(req));
        query.limit = limit;
        OBSCURA_TRY(cursor, singleParam(req, "cursor"));
        if (cursor && !cursor->empty()) {
            auto decoded = decodeCursor(*cursor);
            if (!decoded) return badRequest("cursor is not one this server gave out");
            query.after = std::move(*decoded);
        }
        OBSCURA_TRY(order, singleParam(req, "order"));
        if (order) {
            if (*order == "asc") {
                query.order = storage::SortOrder::Asc;
            } else if (*order != "desc") {
                return badRequest("order must be desc or asc");
            }
        }
    }
    OBSCURA_TRY(from, instantParam(req, "from"));
    OBSCURA_TRY(to, instantParam(req, "to"));
    f.fromUs = from;
    f.toUs = to;
    OBSCURA_TRY(tag, singleParam(req, "tag"));
    if (tag) {
        if (tag->empty()) return badRequest("tag must not be empty");
        f.tag = std::move(tag);
    }
    OBSCURA_TRY(albumId, singleParam(req, "albumId"));
    if (albumId) {
        if (!isUuid(*albumId)) return badRequest("albumId must be an album id (UUID)");
        f.albumId = std::move(albumId);
    }
    OBSCURA_TRY(favorite, boolParam(req, "favorite"));
    f.favorite = favorite;
    OBSCURA_TRY(archived, boolParam(req, "archived"));
    if (listing == Listing::Trash) {
        f.trashed = true;
        f.archived = archived;  // the trash shows archived assets too unless asked otherwise
    } else {
        f.archived = archived.value_or(false);
    }
    OBSCURA_TRY(type, singleParam(req, "type"));
    if (type) {
        if (*type != "image" && *type != "video") return badRequest("type must be image or video");
        f.type = std::move(type);
    }
    OBSCURA_TRY(q, singleParam(req, "q"));
    if (q) {
        OBSCURA_TRY_STATUS(searchText(*q));
        f.q = std::move(q);
    }
    OBSCURA_TRY_STATUS(parseFindingFilters(req, f));
    // A search needs words or at least one filter (DESIGN.md section 11: the filters stand alone or combine).
    const bool filtered =
        f.make || f.model || f.lens || f.near || f.fromUs || f.toUs || f.type || f.favorite || f.albumId || f.tag;
    if (listing == Listing::Search && (!f.q || f.q->empty()) && !filtered)
        return badRequest("q is required (or a filter: make, model, lens, near, from, to, type, favorite, albumId)");
    if (f.q && f.q->empty()) f.q.reset();  // ?q= on a listing means no text condition
    return query;
}

Expected<bool> parseWithPartners(const Request& req, const storage::AssetQuery& query) {
    OBSCURA_TRY(with, boolParam(req, "withPartners"));
    if (!with.value_or(false)) return false;
    const auto& f = query.filter;
    if (f.favorite || f.albumId || f.trashed || f.archived != std::optional<bool>(false))
        return badRequest("withPartners cannot be combined with favorite, albumId, archived=true or the trash");
    return true;
}

}  // namespace obscura::images
