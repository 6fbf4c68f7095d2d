#pragma once
// Turns an AssetFilter into SQL for the listing, the timeline and search. Only fixed fragments are ever
// concatenated (the ORDER BY and column names come from code, not from the caller); every value is a bound
// parameter, appended in the order its placeholder appears in the text.
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

inline constexpr int kMaxSearchWords = 16;

// The runs of text whose code points isWordCharacter accepts (invalid UTF-8 arrives as -1): how each dialect
// splits a search text, with its own idea of a letter.
std::vector<std::string> splitWords(std::string_view text, bool (*isWordCharacter)(std::int32_t));

// FROM … WHERE … for one filter, with its parameters. keyTime/keyId name the columns the rows are ordered and
// paginated by: the tag table's copies when the filter has a tag (one index range), the asset's otherwise.
struct FilterSql {
    std::string from;
    std::string where;
    std::vector<storage::Value> params;
    std::string keyTime;
    std::string keyId;
    bool matchesNothing = false;  // a search without words
    // A search the dialect can test row by row (Dialect::searchRowTest): the condition and its parameters, and
    // `where` and the number of params before the search condition was added. Set for paged queries only.
    std::string rowTest;
    std::vector<storage::Value> rowTestParams;
    std::string whereWithoutSearch;
    std::size_t paramsWithoutSearch = 0;

    // Appends a parameter and answers its placeholder. Placeholders are positional: call it once per statement,
    // in text order (the operands of one `a + b + c` expression are evaluated in no fixed order).
    std::string param(storage::Value value) {
        params.push_back(std::move(value));
        return "?";
    }
    void bindAll(Statement& stmt) const {
        for (std::size_t i = 0; i < params.size(); ++i) stmt.set(static_cast<int>(i + 1), params[i]);
    }
};

// Invalid for an unknown type or too many search words; BadRequest for no owner. `paged`: the query reads one page
// (LIMIT), so a search the dialect can test row by row also gets rowTest.
Expected<FilterSql> buildFilterSql(Session& s, const storage::AssetFilter& filter, bool paged = false);

}  // namespace obscura::sql
