// The images repository's "finding photos again" reads (DESIGN.md section 11): map markers and on-this-day memories.
// Both are index ranges of indexes added by migration "finding" 1 (see each plugin's schema).
#include <algorithm>

#include "sql_asset_rows.hpp"
#include "sql_images_repository.hpp"

namespace obscura::sql {

namespace {

// One owner's markers appended to out. The query names only columns of the markers index (owner_id, is_trashed,
// is_archived, is_hidden, latitude, longitude, taken_at_us, is_favorite, id: migration live_photos 1), so no table
// row is read; each id is appended
// to the shared text buffer straight from the driver's row.
void appendMarkers(Session& s, const std::string& ownerId, const storage::MarkerFilter& filter, bool own,
                   storage::MapMarkers& out) {
    std::string sql =
        "SELECT a.id, a.latitude, a.longitude FROM assets AS a WHERE a.owner_id = ? AND a.is_trashed = 0 AND ";
    // Flags as literals so the planner sees which part of the index they select.
    sql += own && filter.withArchived ? "a.is_archived IN (0, 1)" : "a.is_archived = 0";
    sql += " AND a.is_hidden = 0";  // a live photo's video has its still's place: one marker for the pair
    sql += " AND a.latitude IS NOT NULL AND a.longitude IS NOT NULL";
    // "+": the time bounds are tested on the index entries, never allowed to pick the timeline index instead (which
    // a planner without statistics prefers for a range, and which would read every table row).
    if (filter.fromUs) sql += " AND +a.taken_at_us >= ?";
    if (filter.toUs) sql += " AND +a.taken_at_us < ?";
    if (own && filter.favorite) sql += *filter.favorite ? " AND a.is_favorite = 1" : " AND a.is_favorite = 0";
    auto stmt = s.prepare(sql);
    int index = 0;
    stmt.set(++index, std::string_view(ownerId));
    if (filter.fromUs) stmt.set(++index, *filter.fromUs);
    if (filter.toUs) stmt.set(++index, *filter.toUs);
    auto rows = stmt.query();
    while (rows.next()) {
        storage::MapMarkers::Marker m;
        m.idOffset = static_cast<std::uint32_t>(out.idText.size());
        rows.appendText(0, out.idText);
        m.idSize = static_cast<std::uint32_t>(out.idText.size() - m.idOffset);
        m.latitude = rows.real(1);
        m.longitude = rows.real(2);
        out.markers.push_back(m);
    }
}

}  // namespace

Expected<storage::MapMarkers> SqlImagesRepository::mapMarkers(const storage::MarkerFilter& filter) {
    return guarded(s_, "map markers", [&]() -> Expected<storage::MapMarkers> {
        if (filter.ownerId.empty()) return badRequest("map markers need an owner");
        storage::MapMarkers out;
        appendMarkers(s_, filter.ownerId, filter, true, out);
        for (const auto& partner : filter.partnerIds) appendMarkers(s_, partner, filter, false, out);
        return out;
    });
}

Expected<std::vector<storage::AssetRecord>> SqlImagesRepository::memories(const storage::MemoryQuery& query) {
    return guarded(s_, "memories", [&]() -> Expected<std::vector<storage::AssetRecord>> {
        if (query.ownerId.empty()) return badRequest("memories need an owner");
        if (query.monthDays.empty() || query.monthDays.size() > 4) return invalid("memories need 1 to 4 month-days");
        for (const auto& day : query.monthDays)
            if (day.size() != 5 || day[2] != '-') return invalid("a memory month-day is MM-DD");
        if (query.beforeYear.size() != 4) return invalid("a memory year is YYYY");
        // taken_day is the takenAt text's own MM-DD (the photo's local calendar); the takenAt text before "YYYY"
        // is a local year before it. One index range per month-day: (owner, flags, taken_day, taken_at_us).
        std::string sql = "SELECT " + std::string(kAssetColumns) +
                          " FROM assets AS a WHERE a.owner_id = ? AND a.is_trashed = 0 AND a.is_archived = 0 AND"
                          " a.is_hidden = 0 AND a.taken_day IN (";
        for (std::size_t i = 0; i < query.monthDays.size(); ++i) sql += i == 0 ? "?" : ", ?";
        // "+": the order is sorted (a few hundred rows), never taken from the timeline index, which a planner without
        // statistics would otherwise walk over the owner's whole library to avoid that sort.
        sql += ") AND a.taken_at < ? ORDER BY +a.taken_at_us DESC, a.id DESC LIMIT ?";
        auto stmt = s_.prepare(sql);
        int index = 0;
        stmt.set(++index, std::string_view(query.ownerId));
        for (const auto& day : query.monthDays) stmt.set(++index, std::string_view(day));
        stmt.set(++index, std::string_view(query.beforeYear));
        stmt.set(++index, static_cast<std::int64_t>(std::clamp(query.limit, 1, 1000)));
        auto rows = stmt.query();
        std::vector<storage::AssetRecord> assets;
        while (rows.next()) assets.push_back(readAssetRow(rows));
        return assets;
    });
}

}  // namespace obscura::sql
