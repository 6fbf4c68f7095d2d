#include "sql_table_rows.hpp"

#include "sql_asset_rows.hpp"
#include "sql_atomic.hpp"
#include "sql_images_repository.hpp"

namespace obscura::sql {

namespace {

using storage::ColumnType;
using storage::Row;
using storage::TableShape;
using storage::Value;

// Backquotes: MySQL's identifier quotes, which SQLite accepts too (login_failures has a column named key).
std::string quoted(const char* name) { return std::string("`") + name + "`"; }

// jobs.dedupe_key where the dialect stores "no key" as NULL: read back as "", written "" → NULL.
bool isNullDedupeKey(const Session& s, const TableShape& table, const storage::Column& column) {
    return s.dialect().nullDedupeKey && std::string_view(table.name) == "jobs" &&
           std::string_view(column.name) == "dedupe_key";
}

Expected<const TableShape*> shapeOf(const Session& s, const std::string& table) {
    const auto* shape = storage::findCopyableTable(table);
    if (shape == nullptr) return invalid("storage " + std::string(backendName(s)) + ": '" + table + "' is not a copyable table");
    return shape;
}

Status checkRow(const Session& s, const TableShape& table, const Row& row, std::size_t index) {
    const std::string problem = storage::rowProblem(table, row);
    if (problem.empty()) return {};
    return invalid("storage " + std::string(backendName(s)) + ": " + std::string(table.name) + " row " +
                   std::to_string(index) + ": " + problem);
}

void setValue(Statement& stmt, int index, const Value& value, bool emptyIsNull) {
    const auto* text = std::get_if<std::string>(&value);
    if (emptyIsNull && text != nullptr && text->empty()) {
        stmt.set(index, std::nullopt);
    } else {
        stmt.set(index, value);
    }
}

Value readValue(const Rows& rows, int index, const storage::Column& column) {
    if (rows.isNull(index)) return std::monostate{};
    switch (column.type) {
        case ColumnType::Integer:
            return rows.int64(index);
        case ColumnType::Real:
            return rows.real(index);
        case ColumnType::Text:
            break;
    }
    return rows.text(index);
}

// Row → AssetRecord, in copyableTables()' column order for "assets".
storage::AssetRecord assetOf(const Row& r) {
    const auto text = [&](std::size_t i) { return std::get<std::string>(r[i]); };
    const auto integer = [&](std::size_t i) { return std::get<std::int64_t>(r[i]); };
    const auto optionalInteger = [&](std::size_t i) -> std::optional<std::int64_t> {
        if (std::holds_alternative<std::monostate>(r[i])) return std::nullopt;
        return integer(i);
    };
    storage::AssetRecord a;
    a.id = text(0);
    a.ownerId = text(1);
    a.type = text(2);
    a.originalFileName = text(3);
    a.mimeType = text(4);
    a.sizeBytes = integer(5);
    a.checksum = text(6);
    a.width = optionalInteger(7);
    a.height = optionalInteger(8);
    if (const auto* d = std::get_if<double>(&r[9])) a.durationSeconds = *d;
    if (const auto* d = std::get_if<std::int64_t>(&r[9])) a.durationSeconds = static_cast<double>(*d);
    a.takenAt = text(10);
    a.takenAtUs = integer(11);
    a.createdAt = text(12);
    a.createdAtUs = integer(13);
    a.updatedAt = text(14);
    a.title = text(15);
    a.description = text(16);
    a.tags = parseTags(text(17));
    a.isFavorite = integer(18) != 0;
    a.isArchived = integer(19) != 0;
    a.isTrashed = integer(20) != 0;
    if (const auto* s = std::get_if<std::string>(&r[21])) a.trashedAt = *s;
    a.trashedAtUs = optionalInteger(22);
    a.exif = text(23);
    a.storagePath = text(24);
    a.deviceAssetId = text(25);
    a.deviceId = text(26);
    a.thumbnail = {text(27), integer(28)};
    a.preview = {text(29), integer(30)};
    a.video = {text(31), integer(32)};
    a.derivedBytes = integer(33);
    a.fileMissing = integer(34) != 0;
    return a;
}

}  // namespace

Expected<std::vector<Row>> SqlTableRows::readRows(const std::string& table, const Row& after, int limit) {
    OBSCURA_TRY(shape, shapeOf(s_, table));
    if (limit < 1 || limit > kMaxReadLimit) {
        return invalid("storage " + std::string(backendName(s_)) + ": read rows: limit must be 1.." + std::to_string(kMaxReadLimit));
    }
    if (!after.empty() && after.size() != static_cast<std::size_t>(shape->keyColumns)) {
        return invalid("storage " + std::string(backendName(s_)) + ": read rows of " + table + ": the cursor needs " +
                       std::to_string(shape->keyColumns) + " key values");
    }
    return guarded(s_, "read rows of " + table, [&]() -> Expected<std::vector<Row>> {
        std::string columns;
        for (const auto& column : shape->columns) {
            if (!columns.empty()) columns += ", ";
            columns += isNullDedupeKey(s_, *shape, column) ? "COALESCE(`dedupe_key`, '')" : quoted(column.name);
        }
        const std::string k1 = quoted(shape->columns[0].name);
        const std::string k2 = shape->keyColumns == 2 ? quoted(shape->columns[1].name) : "";
        std::string where;
        const bool rowValues = s_.dialect().rowValueKeyset;
        if (!after.empty()) {
            where = shape->keyColumns == 1 ? " WHERE " + k1 + " > ?"
                    : rowValues            ? " WHERE (" + k1 + ", " + k2 + ") > (?, ?)"
                                           : " WHERE (" + k1 + " > ? OR (" + k1 + " = ? AND " + k2 + " > ?))";
        }
        auto stmt = s_.prepare("SELECT " + columns + " FROM " + quoted(shape->name) + where + " ORDER BY " +
                                        k1 + (k2.empty() ? "" : ", " + k2) + " LIMIT ?");
        int index = 0;
        if (!after.empty()) {
            stmt.set(++index, after[0]);
            if (shape->keyColumns == 2) {
                if (!rowValues) stmt.set(++index, after[0]);
                stmt.set(++index, after[1]);
            }
        }
        stmt.set(++index, limit);
        auto rows = stmt.query();
        std::vector<Row> out;
        while (rows.next()) {
            Row row;
            for (std::size_t c = 0; c < shape->columns.size(); ++c)
                row.push_back(readValue(rows, static_cast<int>(c), shape->columns[c]));
            out.push_back(std::move(row));
        }
        return out;
    });
}

Status SqlTableRows::insertRows(const std::string& table, const std::vector<Row>& rows) {
    OBSCURA_TRY(shape, shapeOf(s_, table));
    for (std::size_t i = 0; i < rows.size(); ++i) OBSCURA_TRY_STATUS(checkRow(s_, *shape, rows[i], i));
    if (table == "assets") {
        std::vector<storage::AssetRecord> assets;
        for (const auto& row : rows) {
            assets.push_back(assetOf(row));
            if (!parseTagsStrict(std::get<std::string>(row[17]))) {
                return invalid("storage " + std::string(backendName(s_)) + ": asset " + assets.back().id +
                               ": tags is not a JSON array of strings");
            }
            OBSCURA_TRY_STATUS(validAsset(s_.dialect(), assets.back()));
        }
        return guarded(s_, "import assets", [&]() -> Status {
            return atomically(s_, [&]() -> Status {
                for (const auto& asset : assets) insertAsset(s_, asset);
                return {};
            });
        });
    }
    std::string columns, values;
    for (const auto& column : shape->columns) {
        columns += (columns.empty() ? "" : ", ") + quoted(column.name);
        values += values.empty() ? "?" : ", ?";
    }
    const std::string sql = "INSERT INTO " + quoted(shape->name) + " (" + columns + ") VALUES (" + values + ")";
    return guarded(s_, "insert rows into " + table, [&]() -> Status {
        return atomically(s_, [&]() -> Status {
            for (const auto& row : rows) {
                auto stmt = s_.prepare(sql);
                for (std::size_t c = 0; c < row.size(); ++c)
                    setValue(stmt, static_cast<int>(c + 1), row[c], isNullDedupeKey(s_, *shape, shape->columns[c]));
                stmt.execute();
            }
            return {};
        });
    });
}

Expected<std::int64_t> SqlTableRows::countRows(const std::string& table) {
    OBSCURA_TRY(shape, shapeOf(s_, table));
    return guarded(s_, "count rows of " + table, [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("SELECT COUNT(*) FROM " + quoted(shape->name));
        auto rows = stmt.query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

}  // namespace obscura::sql
