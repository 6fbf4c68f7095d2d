#pragma once
// Turns an AssetFilter into SQL for the listing, the timeline and search. Only fixed fragments are ever
// concatenated (the ORDER BY and column names come from code, not from the caller); every value is a bound
// parameter, appended in the order its placeholder appears in the text.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "mysql_connection.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::mysql {

// FROM … WHERE … for one filter, with its parameters. keyTime/keyId name the columns the rows are ordered and
// paginated by: the tag table's copies when the filter has a tag (one index range), the asset's otherwise.
struct FilterSql {
    std::string from;
    std::string where;
    std::vector<std::variant<std::int64_t, std::string>> params;
    std::string keyTime;
    std::string keyId;
    bool matchesNothing = false;  // a search without words

    // Appends a parameter and answers its placeholder. Placeholders are positional: call it once per statement,
    // in text order (the operands of one `a + b + c` expression are evaluated in no fixed order).
    std::string param(std::variant<std::int64_t, std::string> value);
    void bindAll(Statement& stmt) const;
};

// Invalid for an unknown type, a set albumId (reserved) or too many search words; BadRequest for no owner.
Expected<FilterSql> buildFilterSql(const storage::AssetFilter& filter);

}  // namespace obscura::mysql
