#pragma once
// Shared by the images repository's source files: the assets column list and its reader, the JSON text of a
// tag list, and the checks every written record passes.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mysql_connection.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::mysql {

// Columns of assets AS a, in the order readAssetRow() reads them.
extern const std::string_view kAssetColumns;
storage::AssetRecord readAssetRow(const Rows& row);

// ["a","b"] with JSON string escaping; and back (a tags column written by either plugin).
std::string tagsJson(const std::vector<std::string>& tags);
std::vector<std::string> parseTagsJson(const std::string& json);
// Strict: nullopt unless json is an array of strings (rows imported from elsewhere).
std::optional<std::vector<std::string>> parseTagsJsonStrict(const std::string& json);
// "make model" from the exifInfo JSON text (either may be missing): the searchable camera text.
std::string cameraText(const std::string& exifJson);

// A tag with its ASCII letters lower-cased: two tags with the same key are the same tag.
std::string tagKey(std::string_view tag);

// Invalid unless every tag is non-empty, free of control characters and at most 255 characters.
Status validTags(const std::vector<std::string>& tags);
// Invalid for a record that breaks a rule the schema's CHECKs would also catch, with a readable message.
Status validAsset(const storage::AssetRecord& asset);

// Bumps the owner's library version (ImagesRepository::libraryVersion) in the caller's transaction. MySQL has
// no triggers here (InnoDB's cascades would not fire them), so every write a listing shows calls this.
void bumpLibraryVersion(Connection& connection, const std::string& ownerId);

}  // namespace obscura::mysql
