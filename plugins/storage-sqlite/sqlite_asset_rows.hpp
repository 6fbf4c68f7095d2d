#pragma once
// Shared by the images repository's source files: the assets column list and its reader, the JSON text of a
// tag list, the checks every written record passes, and a savepoint for multi-statement writes.
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// Columns of assets AS a, in the order readAssetRow() reads them.
extern const std::string_view kAssetColumns;
storage::AssetRecord readAssetRow(const Statement& row);

// ["a","b"] with JSON string escaping.
std::string tagsJson(const std::vector<std::string>& tags);

// Invalid unless every tag is non-empty and free of control characters.
Status validTags(const std::vector<std::string>& tags);
// Invalid for a record that breaks a rule the schema's CHECKs would also catch, with a readable message.
Status validAsset(const storage::AssetRecord& asset);

// Several statements that must all happen or none: a savepoint inside the caller's transaction, or a
// transaction of its own (BEGIN IMMEDIATE) outside one. Rolls back to its start unless released.
class Savepoint {
public:
    explicit Savepoint(Connection& connection);
    ~Savepoint();
    Savepoint(const Savepoint&) = delete;
    Savepoint& operator=(const Savepoint&) = delete;
    void release();

private:
    Connection& connection_;
    bool outermost_;
    bool released_ = false;
};

}  // namespace obscura::sqlite
