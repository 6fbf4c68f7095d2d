#pragma once
// Whole tables as plain rows, so `obscura migrate-storage` can move a library from one plugin to another
// (SQLite → MySQL) with nothing lost. The format is the plugins' common ground, defined once here: each
// table a module stores its primary data in, its columns (named and typed as in the SQLite schema), and the
// key it is read in order of. What a plugin derives from those rows — search indexes, per-owner totals, tag
// rows — is not part of it: the importing plugin rebuilds its own.
//
// A module that adds a table adds it to copyableTables() in the same change (and bumps kStorageAbiVersion);
// the storage conformance suite copies a populated library between two databases and compares everything.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::storage {

// NULL, INTEGER, REAL or TEXT, as SQLite would store it. Booleans are 0/1 INTEGERs; JSON is TEXT.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;
using Row = std::vector<Value>;

enum class ColumnType : std::uint8_t { Integer, Real, Text };

struct Column {
    const char* name;
    ColumnType type;
    bool nullable = false;
};

struct TableShape {
    const char* name;
    std::vector<Column> columns;
    int keyColumns = 1;  // the first keyColumns (1..3) columns are the table's unique key, and its reading order
};

// Every table, in an order that imports cleanly: a table comes after the tables its rows reference.
inline const std::vector<TableShape>& copyableTables() {
    using T = ColumnType;
    static const std::vector<TableShape> kTables = {
        {"users",
         {{"id", T::Text},
          {"username", T::Text},
          {"username_key", T::Text},
          {"email", T::Text},
          {"display_name", T::Text},
          {"bio", T::Text},
          {"password_hash", T::Text},
          {"is_admin", T::Integer},
          {"disabled", T::Integer},
          {"quota_bytes", T::Integer, true},
          {"token_version", T::Integer},
          {"created_at", T::Text},
          {"updated_at", T::Text}}},
        // OIDC sign-in (issue 24): which provider account is which user. Sign-ins in flight are not copied.
        {"oidc_identities",
         {{"issuer", T::Text}, {"subject", T::Text}, {"user_id", T::Text}, {"created_at", T::Text}},
         2},
        {"refresh_tokens",
         {{"id", T::Text},
          {"user_id", T::Text},
          {"family_id", T::Text},
          {"token_hash", T::Text},
          {"created_at", T::Text},
          {"expires_at_us", T::Integer},
          {"used_at_us", T::Integer, true},
          {"revoked", T::Integer}}},
        {"api_keys",
         {{"id", T::Text}, {"user_id", T::Text}, {"name", T::Text}, {"key_hash", T::Text}, {"created_at", T::Text}}},
        {"login_failures", {{"key", T::Text}, {"failures", T::Integer}, {"window_start_us", T::Integer}}},
        // Two-factor sign-in (migration module "mfa"): a copy without them would turn a user's 2FA off. Challenges
        // and password-reset tokens live minutes and are not copied.
        {"user_mfa",
         {{"user_id", T::Text},
          {"secret", T::Text},
          {"enabled", T::Integer},
          {"last_step", T::Integer},
          {"created_at_us", T::Integer}}},
        {"mfa_recovery_codes", {{"user_id", T::Text}, {"code_hash", T::Text}, {"used_at_us", T::Integer, true}}, 2},
        {"jobs",
         {{"id", T::Text},
          {"kind", T::Text},
          {"payload", T::Text},
          {"owner_id", T::Text},
          {"asset_id", T::Text},
          {"dedupe_key", T::Text},
          {"state", T::Text},
          {"attempts", T::Integer},
          {"max_attempts", T::Integer},
          {"run_after_us", T::Integer},
          {"lease_owner", T::Text},
          {"lease_expires_us", T::Integer},
          {"progress", T::Real},
          {"error", T::Text},
          {"result", T::Text},
          {"created_at", T::Text},
          {"created_at_us", T::Integer},
          {"updated_at", T::Text}}},
        {"assets",
         {{"id", T::Text},
          {"owner_id", T::Text},
          {"type", T::Text},
          {"original_file_name", T::Text},
          {"mime_type", T::Text},
          {"size_bytes", T::Integer},
          {"checksum", T::Text},
          {"width", T::Integer, true},
          {"height", T::Integer, true},
          {"duration_seconds", T::Real, true},
          {"taken_at", T::Text},
          {"taken_at_us", T::Integer},
          {"created_at", T::Text},
          {"created_at_us", T::Integer},
          {"updated_at", T::Text},
          {"title", T::Text},
          {"description", T::Text},
          {"tags", T::Text},
          {"is_favorite", T::Integer},
          {"is_archived", T::Integer},
          {"is_trashed", T::Integer},
          {"trashed_at", T::Text, true},
          {"trashed_at_us", T::Integer, true},
          {"exif", T::Text},
          {"storage_path", T::Text},
          {"device_asset_id", T::Text},
          {"device_id", T::Text},
          {"thumbnail_state", T::Text},
          {"thumbnail_version", T::Integer},
          {"preview_state", T::Text},
          {"preview_version", T::Integer},
          {"video_state", T::Text},
          {"video_version", T::Integer},
          {"derived_bytes", T::Integer},
          {"file_missing", T::Integer},
          {"live_photo_video_id", T::Text, true},
          {"is_hidden", T::Integer},
          {"live_content_id", T::Text, true},
          {"live_base_name", T::Text, true}}},
        {"asset_bandwidth", {{"owner_id", T::Text}, {"month", T::Text}, {"bytes", T::Integer}}, 2},
        // Near-duplicates (migration module "dupes"): a perceptual hash costs a thumbnail decode to make again, and a
        // dismissed pair is the owner's own decision. The bands and the place are copied as they are.
        {"asset_phashes",
         {{"asset_id", T::Text},
          {"owner_id", T::Text},
          {"phash", T::Integer},
          {"band0", T::Integer},
          {"band1", T::Integer},
          {"band2", T::Integer},
          {"band3", T::Integer},
          {"latitude", T::Real, true},
          {"longitude", T::Real, true}}},
        {"duplicate_dismissals", {{"owner_id", T::Text}, {"asset_a", T::Text}, {"asset_b", T::Text}}, 3},
        {"derivatives",
         {{"asset_id", T::Text},
          {"kind", T::Text},
          {"state", T::Text},
          {"path", T::Text, true},
          {"version", T::Integer},
          {"error", T::Text, true},
          {"updated_at", T::Text}},
         2},
        {"albums",
         {{"id", T::Text},
          {"owner_id", T::Text},
          {"name", T::Text},
          {"description", T::Text},
          {"thumbnail_asset_id", T::Text, true},
          {"created_at", T::Text},
          {"created_at_us", T::Integer},
          {"updated_at", T::Text},
          {"parent_id", T::Text, true},
          {"allow_download", T::Integer}}},
        {"album_assets", {{"album_id", T::Text}, {"asset_id", T::Text}, {"added_at_us", T::Integer}}, 2},
        {"shared_links",
         {{"id", T::Text},
          {"owner_id", T::Text},
          {"link_key", T::Text},
          {"key_hash", T::Text},
          {"album_id", T::Text, true},
          {"expires_at", T::Text, true},
          {"expires_at_us", T::Integer, true},
          {"password_hash", T::Text, true},
          {"allow_download", T::Integer},
          {"created_at", T::Text},
          {"created_at_us", T::Integer}}},
        {"shared_link_assets", {{"link_id", T::Text}, {"asset_id", T::Text}}, 2},
        {"partners",
         {{"shared_by_id", T::Text},
          {"shared_with_id", T::Text},
          {"in_timeline", T::Integer},
          {"created_at", T::Text},
          {"created_at_us", T::Integer}},
         2},
        {"album_users", {{"album_id", T::Text}, {"user_id", T::Text}, {"role", T::Text}, {"added_at", T::Text}}, 2},
        {"user_groups",
         {{"id", T::Text},
          {"owner_id", T::Text},
          {"name", T::Text},
          {"created_at", T::Text},
          {"created_at_us", T::Integer},
          {"updated_at", T::Text}}},
        {"group_members", {{"group_id", T::Text}, {"user_id", T::Text}}, 2},
        {"album_groups", {{"album_id", T::Text}, {"group_id", T::Text}, {"role", T::Text}}, 2},
    };
    return kTables;
}

// The shape of a copyable table, or nullptr for any other name (callers answer Invalid).
inline const TableShape* findCopyableTable(const std::string& name) {
    for (const auto& table : copyableTables()) {
        if (name == table.name) return &table;
    }
    return nullptr;
}

// Why a row does not fit the table ("" when it does): wrong number of values, NULL in a NOT NULL column, or a
// value of another type (a Real column takes whole numbers too).
inline std::string rowProblem(const TableShape& table, const Row& row) {
    if (row.size() != table.columns.size()) {
        return std::to_string(row.size()) + " values for " + std::to_string(table.columns.size()) + " columns";
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
        const Column& column = table.columns[c];
        const Value& value = row[c];
        bool fits = false;
        if (std::holds_alternative<std::monostate>(value)) {
            fits = column.nullable;
        } else if (column.type == ColumnType::Integer) {
            fits = std::holds_alternative<std::int64_t>(value);
        } else if (column.type == ColumnType::Real) {
            fits = std::holds_alternative<double>(value) || std::holds_alternative<std::int64_t>(value);
        } else {
            fits = std::holds_alternative<std::string>(value);
        }
        if (!fits) return std::string("column ") + column.name + " holds a value it does not take";
    }
    return "";
}

// Reads and writes copyableTables() on one borrowed connection (Repositories::tableRows()).
class TableRowsRepository {
public:
    virtual ~TableRowsRepository() = default;
    // Up to limit (1..10000) rows of the table in key order, strictly after `after` (the key columns of the last
    // row read; empty = from the start). Values follow the table's columns and types.
    virtual Expected<std::vector<Row>> readRows(const std::string& table, const Row& after, int limit) = 0;
    // Inserts rows laid out as readRows answers them, and rebuilds what this plugin derives from them. Invalid for
    // a row of the wrong shape or types; Conflict when a key is taken. Run it inside a transaction: a failure
    // part-way leaves the rows before it inserted.
    virtual Status insertRows(const std::string& table, const std::vector<Row>& rows) = 0;
    virtual Expected<std::int64_t> countRows(const std::string& table) = 0;
};

}  // namespace obscura::storage
