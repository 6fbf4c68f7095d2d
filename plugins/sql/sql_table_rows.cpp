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
    if (shape == nullptr)
        return invalid("storage " + std::string(backendName(s)) + ": '" + table + "' is not a copyable table");
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

// One row already in memory behind the Cursor interface, so an imported asset row is read by readAssetRow exactly
// as a queried one is (copyableTables()' assets columns are kAssetColumns, in order).
class RowCursor final : public Cursor {
public:
    explicit RowCursor(const Row& row) : row_(row) {}
    void bindNull(int) override {}
    void bindInt(int, std::int64_t) override {}
    void bindReal(int, double) override {}
    void bindText(int, std::string_view) override {}
    void query() override {}
    bool next() override { return true; }
    std::int64_t execute() override { return 0; }
    bool isNull(int column) const override { return std::holds_alternative<std::monostate>(at(column)); }
    std::int64_t int64(int column) const override { return std::get<std::int64_t>(at(column)); }
    double real(int column) const override {
        const auto* whole = std::get_if<std::int64_t>(&at(column));
        return whole != nullptr ? static_cast<double>(*whole) : std::get<double>(at(column));
    }
    std::string text(int column) const override { return std::get<std::string>(at(column)); }
    void release() noexcept override {}

private:
    const Value& at(int column) const { return row_[static_cast<std::size_t>(column)]; }
    const Row& row_;
};

}  // namespace

Expected<std::vector<Row>> SqlTableRows::readRows(const std::string& table, const Row& after, int limit) {
    OBSCURA_TRY(shape, shapeOf(s_, table));
    if (limit < 1 || limit > kMaxReadLimit) {
        return invalid("storage " + std::string(backendName(s_)) + ": read rows: limit must be 1.." +
                       std::to_string(kMaxReadLimit));
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
        // The keyset after the cursor: (k1, k2, ...) > (?, ?, ...) as a row value where the dialect has them, else
        // spelled out as k1 > ? OR (k1 = ? AND (k2 > ? OR (k2 = ? AND k3 > ?))).
        const auto keys = static_cast<std::size_t>(shape->keyColumns);
        std::string order, where;
        for (std::size_t k = 0; k < keys; ++k) order += (k == 0 ? "" : ", ") + quoted(shape->columns[k].name);
        const bool rowValues = s_.dialect().rowValueKeyset || keys == 1;
        if (!after.empty() && rowValues) {
            std::string marks;
            for (std::size_t k = 0; k < keys; ++k) marks += k == 0 ? "?" : ", ?";
            where = keys == 1 ? " WHERE " + order + " > ?" : " WHERE (" + order + ") > (" + marks + ")";
        } else if (!after.empty()) {
            std::string tail = quoted(shape->columns[keys - 1].name) + " > ?";
            for (std::size_t k = keys - 1; k-- > 0;) {
                const std::string column = quoted(shape->columns[k].name);
                tail = column + " > ? OR (" + column + " = ? AND (" + tail + "))";
            }
            where = " WHERE (" + tail + ")";
        }
        auto stmt = s_.prepare("SELECT " + columns + " FROM " + quoted(shape->name) + where + " ORDER BY " + order +
                               " LIMIT ?");
        int index = 0;
        for (std::size_t k = 0; k < after.size(); ++k) {
            stmt.set(++index, after[k]);
            if (!rowValues && k + 1 < keys) stmt.set(++index, after[k]);  // k = ? beside k > ?
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
            RowCursor cursor(row);
            assets.push_back(readAssetRow(Rows(&cursor)));
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
