#include "sql_asset_query.hpp"

#include <algorithm>
#include <cmath>

#include "sql_dialect.hpp"

namespace obscura::sql {

namespace {

// Decodes one UTF-8 code point at text[i], advancing i; invalid input yields -1 and one byte.
std::int32_t nextCodePoint(std::string_view text, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    const int length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
        ++i;
        return -1;
    }
    std::int32_t cp = length == 1 ? lead : lead & (0x7f >> length);
    for (int k = 1; k < length; ++k) {
        const unsigned char c = byte(i + static_cast<std::size_t>(k));
        if ((c & 0xc0) != 0x80) {
            ++i;
            return -1;
        }
        cp = (cp << 6) | (c & 0x3f);
    }
    i += static_cast<std::size_t>(length);
    return cp;
}

}  // namespace

std::vector<std::string> splitWords(std::string_view text, bool (*isWordCharacter)(std::int32_t)) {
    std::vector<std::string> words;
    std::string current;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t start = i;
        if (isWordCharacter(nextCodePoint(text, i))) {
            current.append(text.substr(start, i - start));
        } else if (!current.empty()) {
            words.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(std::move(current));
    return words;
}

namespace {

// Whether at least 1 in kDenseShare of the owner's kDenseSample newest rows (in the trash or not, as asked) pass
// the row test: a cheap look at how common the search is, which only picks the plan (both give the same rows).
constexpr int kDenseSample = 100;
constexpr int kDenseShare = 10;
bool mostlyMatches(Session& s, const storage::AssetFilter& filter, const FilterSql& sql) {
    auto stmt = s.prepare("SELECT count(*), coalesce(sum(CASE WHEN " + sql.rowTest +
                          " THEN 1 ELSE 0 END), 0) FROM (SELECT a.* FROM assets AS a WHERE a.owner_id = ? AND"
                          " a.is_trashed = " +
                          std::string(filter.trashed ? "1" : "0") + " ORDER BY a.taken_at_us DESC, a.id DESC LIMIT " +
                          std::to_string(kDenseSample) + ") AS a");
    // The row test's parameters come first in the text (it is in the select list).
    int index = 0;
    for (const auto& value : sql.rowTestParams) stmt.set(++index, value);
    stmt.set(++index, storage::Value(filter.ownerId));
    auto rows = stmt.query();
    if (!rows.next()) return false;
    const std::int64_t sampled = rows.int64(0);
    return sampled > 0 && rows.int64(1) * kDenseShare >= sampled;
}

}  // namespace

namespace {

// make, model, lens: the generated exif_* columns (migration finding 1) hold the engine's LOWER() of the EXIF text,
// the value goes through the same LOWER(), so both sides fold alike. near: a latitude band (an index range when the
// planner takes the map's index), then the haversine test on a sphere of the Earth's mean radius, written without
// ASIN (hav(d/R) <= hav(km/R)) so that it needs only the functions both engines have.
void appendFindingFilters(const storage::AssetFilter& filter, FilterSql& sql) {
    if (filter.make) sql.where += " AND a.exif_make = LOWER(" + sql.param(*filter.make) + ")";
    if (filter.model) sql.where += " AND a.exif_model = LOWER(" + sql.param(*filter.model) + ")";
    if (filter.lens) sql.where += " AND a.exif_lens = LOWER(" + sql.param(*filter.lens) + ")";
    if (!filter.near) return;
    constexpr double kEarthKm = 6371.0088;
    constexpr double kPi = 3.14159265358979323846;
    const auto& n = *filter.near;
    const double angle = std::min(n.km / kEarthKm, kPi);
    const double band = angle * 180 / kPi;
    sql.where += " AND a.latitude >= " + sql.param(n.latitude - band);
    sql.where += " AND a.latitude <= " + sql.param(n.latitude + band);
    sql.where += " AND POWER(SIN(RADIANS(a.latitude - " + sql.param(n.latitude) + ") / 2), 2) + ";
    sql.where += sql.param(std::cos(n.latitude * kPi / 180)) + " * COS(RADIANS(a.latitude)) * ";
    sql.where += "POWER(SIN(RADIANS(a.longitude - " + sql.param(n.longitude) + ") / 2), 2) <= ";
    const double half = std::sin(angle / 2);
    sql.where += sql.param(half * half);
}

}  // namespace

Expected<FilterSql> buildFilterSql(Session& s, const storage::AssetFilter& filter, bool paged) {
    if (filter.ownerId.empty()) return badRequest("an asset query needs an owner");
    if (filter.type && *filter.type != "image" && *filter.type != "video")
        return invalid("asset type must be image or video");
    const Dialect& d = s.dialect();

    FilterSql sql;
    std::vector<std::string> words;
    if (filter.q) {
        words = d.searchWords(*filter.q);
        if (words.size() > static_cast<std::size_t>(kMaxSearchWords))
            return invalid("a search may have at most " + std::to_string(kMaxSearchWords) + " words");
        if (words.empty()) {
            sql.matchesNothing = true;
            return sql;
        }
    }
    // A page of a word that most of the newest rows hold is tested row by row (see ownerPage); any other search
    // lets the dialect choose: the matches may drive the query (a rare word), and it then handles the tag too.
    if (paged && !words.empty() && d.searchRowTest(filter, words, sql.rowTest, sql.rowTestParams) &&
        !mostlyMatches(s, filter, sql)) {
        sql.rowTest.clear();
        sql.rowTestParams.clear();
    }
    const bool driven = !words.empty() && sql.rowTest.empty() && d.searchFilter(s, filter, words, sql, true);
    // Flags are literals, not parameters, so the planner sees which index (prefix) they select.
    if (driven) {
    } else if (filter.tag) {
        sql.from = d.tagJoin;
        sql.where = "t.owner_id = " + sql.param(filter.ownerId);
        sql.where += " AND " + std::string(d.tagKeyColumn) + " = " + sql.param(d.tagKey(*filter.tag));
        sql.where += " AND a.owner_id = t.owner_id";
        sql.keyTime = "t.taken_at_us";
        sql.keyId = "t.asset_id";
    } else {
        sql.from = "assets AS a";
        sql.where = "a.owner_id = " + sql.param(filter.ownerId);
        sql.keyTime = "a.taken_at_us";
        sql.keyId = "a.id";
    }
    sql.where += filter.trashed ? " AND a.is_trashed = 1" : " AND a.is_trashed = 0";
    sql.where += " AND a.is_hidden = 0";  // a live photo's video shows only through its still
    if (filter.archived) sql.where += *filter.archived ? " AND a.is_archived = 1" : " AND a.is_archived = 0";
    if (filter.favorite) sql.where += *filter.favorite ? " AND a.is_favorite = 1" : " AND a.is_favorite = 0";
    if (filter.type) sql.where += " AND a.type = " + sql.param(*filter.type);
    appendFindingFilters(filter, sql);
    if (filter.fromUs) sql.where += " AND " + sql.keyTime + " >= " + sql.param(*filter.fromUs);
    if (filter.toUs) sql.where += " AND " + sql.keyTime + " < " + sql.param(*filter.toUs);
    if (filter.albumId) {
        sql.where += " AND EXISTS (SELECT 1 FROM album_assets AS aa WHERE aa.album_id = " + sql.param(*filter.albumId);
        sql.where += " AND aa.asset_id = a.id)";
    }
    if (filter.sharedLinkId) {
        sql.where +=
            " AND EXISTS (SELECT 1 FROM shared_link_assets AS sl WHERE sl.link_id = " + sql.param(*filter.sharedLinkId);
        sql.where += " AND sl.asset_id = a.id)";
    }
    if (!words.empty() && !driven) {
        if (!sql.rowTest.empty()) {
            sql.whereWithoutSearch = sql.where;
            sql.paramsWithoutSearch = sql.params.size();
        }
        d.searchFilter(s, filter, words, sql, false);
    }
    return sql;
}

}  // namespace obscura::sql
