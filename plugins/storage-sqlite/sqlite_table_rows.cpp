#include "sqlite_table_rows.hpp"

#include "sqlite_asset_rows.hpp"
#include "sqlite_errors.hpp"

namespace obscura::sqlite {

namespace {

using storage::ColumnType;
using storage::Row;
using storage::TableShape;
using storage::Value;

std::string quoted(const char* name) { return std::string("\"") + name + "\""; }

Expected<const TableShape*> shapeOf(const std::string& table) {
    const auto* shape = storage::findCopyableTable(table);
    if (shape == nullptr) return invalid("storage sqlite: '" + table + "' is not a copyable table");
    return shape;
}

void bindValue(Statement& stmt, int index, const Value& value) {
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
        stmt.bind(index, *number);
    } else if (const auto* real = std::get_if<double>(&value)) {
        stmt.bind(index, *real);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
        stmt.bind(index, *text);
    } else {
        stmt.bindNull(index);
    }
}

Value readValue(const Statement& row, int index, const storage::Column& column) {
    if (row.isNull(index)) return std::monostate{};
    switch (column.type) {
        case ColumnType::Integer:
            return row.int64(index);
        case ColumnType::Real:
            return row.real(index);
        case ColumnType::Text:
            break;
    }
    return row.text(index);
}

}  // namespace

Expected<std::vector<Row>> SqliteTableRows::readRows(const std::string& table, const Row& after, int limit) {
    OBSCURA_TRY(shape, shapeOf(table));
    if (limit < 1 || limit > kMaxReadLimit) {
        return invalid("storage sqlite: read rows: limit must be 1.." + std::to_string(kMaxReadLimit));
    }
    if (!after.empty() && after.size() != static_cast<std::size_t>(shape->keyColumns)) {
        return invalid("storage sqlite: read rows of " + table + ": the cursor needs " +
                       std::to_string(shape->keyColumns) + " key values");
    }
    return guarded("read rows of " + table, [&]() -> Expected<std::vector<Row>> {
        std::string columns;
        for (const auto& column : shape->columns) columns += (columns.empty() ? "" : ", ") + quoted(column.name);
        std::string key = quoted(shape->columns[0].name);
        if (shape->keyColumns == 2) key += ", " + quoted(shape->columns[1].name);
        std::string where;
        if (!after.empty())
            where = shape->keyColumns == 1 ? " WHERE " + key + " > ?2" : " WHERE (" + key + ") > (?2, ?3)";
        auto stmt = connection_.prepare("SELECT " + columns + " FROM " + quoted(shape->name) + where + " ORDER BY " +
                                        key + " LIMIT ?1");
        stmt.bind(1, limit);
        for (std::size_t k = 0; k < after.size(); ++k) bindValue(stmt, static_cast<int>(k + 2), after[k]);
        std::vector<Row> out;
        while (stmt.step()) {
            Row row;
            for (std::size_t c = 0; c < shape->columns.size(); ++c)
                row.push_back(readValue(stmt, static_cast<int>(c), shape->columns[c]));
            out.push_back(std::move(row));
        }
        return out;
    });
}

Status SqliteTableRows::insertRows(const std::string& table, const std::vector<Row>& rows) {
    OBSCURA_TRY(shape, shapeOf(table));
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string problem = storage::rowProblem(*shape, rows[i]);
        if (!problem.empty()) {
            return invalid("storage sqlite: " + table + " row " + std::to_string(i) + ": " + problem);
        }
    }
    return guarded("insert rows into " + table, [&]() -> Status {
        std::string columns, values;
        for (std::size_t c = 0; c < shape->columns.size(); ++c) {
            columns += (c == 0 ? "" : ", ") + quoted(shape->columns[c].name);
            values += (c == 0 ? "?" : ", ?") + std::to_string(c + 1);
        }
        const std::string sql = "INSERT INTO " + quoted(shape->name) + " (" + columns + ") VALUES (" + values + ")";
        const bool assets = table == "assets";
        Savepoint savepoint(connection_);
        for (const auto& row : rows) {
            auto stmt = connection_.prepare(sql);
            for (std::size_t c = 0; c < row.size(); ++c) bindValue(stmt, static_cast<int>(c + 1), row[c]);
            stmt.run();
            if (assets) {
                // The tag rows the repository writes beside each asset (the search entry and the usage totals
                // follow from the assets triggers). OR IGNORE: tags equal but for ASCII case are one (NOCASE).
                auto tags = connection_.prepare(
                    "INSERT OR IGNORE INTO asset_tags (asset_id, owner_id, tag, taken_at_us)"
                    " SELECT a.id, a.owner_id, j.value, a.taken_at_us FROM assets AS a, json_each(a.tags) AS j"
                    " WHERE a.id = ?1");
                tags.bind(1, std::get<std::string>(row[0]));
                tags.run();
            }
        }
        savepoint.release();
        return {};
    });
}

Expected<std::int64_t> SqliteTableRows::countRows(const std::string& table) {
    OBSCURA_TRY(shape, shapeOf(table));
    return guarded("count rows of " + table, [&]() -> Expected<std::int64_t> {
        auto stmt = connection_.prepare("SELECT COUNT(*) FROM " + quoted(shape->name));
        return stmt.step() ? stmt.int64(0) : 0;
    });
}

}  // namespace obscura::sqlite
