#pragma once
// Turns an AssetFilter into SQL for the listing, the timeline and search. Only fixed fragments are ever
// concatenated (the ORDER BY and column names come from code, not from the caller); every value is a bound
// parameter, and search text reaches FTS5 only as quoted terms (ftsMatchExpression).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// The words of a search text (see AssetFilter::q): split at ASCII characters that are not letters or digits,
// at invalid UTF-8, and at common Unicode punctuation and spaces.
std::vector<std::string> searchWords(std::string_view q);

// "\"word\"* AND \"other\"*": each word a quoted prefix term, so no character of q is FTS5 syntax. nullopt when
// q has no word (the search matches nothing).
std::optional<std::string> ftsMatchExpression(std::string_view q);

inline constexpr int kMaxSearchWords = 16;

// FROM … WHERE … for one filter, with its parameters. keyTime/keyId name the columns the rows are ordered and
// paginated by: the tag table's copies when the filter has a tag (one index range), the asset's otherwise.
struct FilterSql {
    std::string from;
    std::string where;
    std::vector<std::variant<std::int64_t, std::string>> params;
    std::string keyTime;
    std::string keyId;
    bool matchesNothing = false;  // a search without words

    // Appends a parameter and answers its placeholder ("?3").
    std::string param(std::variant<std::int64_t, std::string> value);
    void bindAll(Statement& stmt) const;
};

// How a search joins the full-text index. SQLite's planner cannot know how many rows a MATCH yields, and the
// two plans differ by orders of magnitude at a million assets (measured in bench/listing):
//   Driven: the matches drive the query (FTS first, then each asset by rowid, then a sort by time) — ~1 ms for
//           a rare word, but the sort grows with the number of matches;
//   Probe:  the owner's timeline index drives it and each row is probed against the set of matches — no sort,
//           stops at the page's end, so cheap for common words, but a rare word scans the whole timeline.
// The repository counts the matches up to kDrivenSearchLimit first and picks Driven below it.
enum class SearchPlan { Driven, Probe };
inline constexpr int kDrivenSearchLimit = 20000;

// Invalid for an unknown type, a set albumId (reserved) or too many search words; BadRequest for no owner.
Expected<FilterSql> buildFilterSql(const storage::AssetFilter& filter, SearchPlan plan = SearchPlan::Probe);

// Picks the plan for filter.q by counting its matches (all owners) up to kDrivenSearchLimit.
SearchPlan chooseSearchPlan(Connection& connection, const storage::AssetFilter& filter);

}  // namespace obscura::sqlite
