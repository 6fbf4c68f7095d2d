// Backup and restore through the MySQL plugin (storage.hpp: backupTo, restoreFrom, checkBackup), in the dump format
// of plugins/sql/sql_dump.hpp — not mysqldump: no client tool, no SQL text to replay, and `obscura restore` reads it
// back through this plugin.
//
// backupTo reads every base table of the database inside one START TRANSACTION WITH CONSISTENT SNAPSHOT at
// REPEATABLE READ (InnoDB's MVCC: writers carry on, the dump sees one moment), streaming each table
// (mysql_use_result) so a large library is not held in memory; inSnapshot then reads that same snapshot.
// restoreFrom migrates the empty target to this build's schema, which must be the dump's, and inserts every row
// with foreign key checks off (the dump's tables come in name order, not in reference order).
#include <cppconn/datatype.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>

#include <filesystem>
#include <map>

#include "mysql_storage.hpp"
#include "sql_dump.hpp"

namespace obscura::mysql {

namespace {

// Rows per restore transaction.
constexpr int kRestoreBatch = 500;

std::string quoted(const std::string& name) { return "`" + name + "`"; }

std::vector<std::string> baseTables(Connection& connection) {
    std::vector<std::string> tables;
    auto stmt = connection.prepare(
        "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
        "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME");
    auto rows = stmt.query();
    while (rows.next()) tables.push_back(rows.text(0));
    return tables;
}

enum class Kind { Integer, Real, Text };

Kind kindOf(int type) {
    switch (type) {
        case ::sql::DataType::BIT:
        case ::sql::DataType::TINYINT:
        case ::sql::DataType::SMALLINT:
        case ::sql::DataType::MEDIUMINT:
        case ::sql::DataType::INTEGER:
        case ::sql::DataType::BIGINT:
        case ::sql::DataType::YEAR:
            return Kind::Integer;
        case ::sql::DataType::REAL:
        case ::sql::DataType::DOUBLE:
        case ::sql::DataType::DECIMAL:
        case ::sql::DataType::NUMERIC:
            return Kind::Real;
        default:
            return Kind::Text;
    }
}

// The table's stored columns in order; generated ones (assets.taken_month) are left out: the server computes them
// again, and refuses a value for them.
std::string storedColumns(Connection& connection, const std::string& table) {
    auto stmt = connection.prepare(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? "
        "AND COALESCE(GENERATION_EXPRESSION, '') = '' ORDER BY ORDINAL_POSITION");
    auto rows = stmt.bind(table).query();
    std::string list;
    while (rows.next()) list += (list.empty() ? "" : ", ") + quoted(rows.text(0));
    return list;
}

Status dumpTable(Connection& connection, const std::string& table, sql::DumpWriter& dump) {
    const std::string columnList = storedColumns(connection, table);
    try {
        std::unique_ptr<::sql::Statement> stmt(connection.native().createStatement());
        stmt->setResultSetType(::sql::ResultSet::TYPE_FORWARD_ONLY);  // streamed, not buffered whole
        std::unique_ptr<::sql::ResultSet> rows(
            stmt->executeQuery(::sql::SQLString("SELECT " + columnList + " FROM " + quoted(table))));
        ::sql::ResultSetMetaData* meta = rows->getMetaData();
        const unsigned count = meta->getColumnCount();
        std::vector<std::string> columns;
        std::vector<Kind> kinds;
        for (unsigned c = 1; c <= count; ++c) {
            columns.push_back(std::string(meta->getColumnName(c)));
            kinds.push_back(kindOf(meta->getColumnType(c)));
        }
        OBSCURA_TRY_STATUS(dump.beginTable(table, columns));
        storage::Row row(count);
        while (rows->next()) {
            for (unsigned c = 1; c <= count; ++c) {
                auto& value = row[c - 1];
                if (rows->isNull(c)) {
                    value = std::monostate{};
                } else if (kinds[c - 1] == Kind::Integer) {
                    value = static_cast<std::int64_t>(rows->getInt64(c));
                } else if (kinds[c - 1] == Kind::Real) {
                    value = static_cast<double>(rows->getDouble(c));
                } else {
                    value = std::string(rows->getString(c));
                }
            }
            OBSCURA_TRY_STATUS(dump.row(row));
        }
        return dump.endTable();
    } catch (const ::sql::SQLException& e) {
        connection.fail(e, "backup of table " + table);
    }
}

// The first table (other than schema_migrations) holding a row, or "".
std::string firstTableWithRows(Connection& connection) {
    for (const auto& table : baseTables(connection)) {
        if (table == "schema_migrations") continue;
        auto stmt = connection.prepare("SELECT EXISTS (SELECT 1 FROM " + quoted(table) + ")");
        auto rows = stmt.query();
        if (rows.next() && rows.int64(0) != 0) return table;
    }
    return "";
}

// Each module's latest version recorded in the dump's schema_migrations.
Expected<std::map<std::string, int>> dumpVersions(const std::string& path) {
    std::map<std::string, int> versions;
    bool inMigrations = false;
    int moduleColumn = -1, versionColumn = -1;
    sql::DumpVisitor visitor;
    visitor.onTable = [&](const std::string& table, const std::vector<std::string>& columns) -> Status {
        inMigrations = table == "schema_migrations";
        for (std::size_t c = 0; c < columns.size() && inMigrations; ++c) {
            if (columns[c] == "module") moduleColumn = static_cast<int>(c);
            if (columns[c] == "version") versionColumn = static_cast<int>(c);
        }
        return {};
    };
    visitor.onRow = [&](const storage::Row& row) -> Status {
        if (!inMigrations || moduleColumn < 0 || versionColumn < 0) return {};
        const auto* module = std::get_if<std::string>(&row[static_cast<std::size_t>(moduleColumn)]);
        const auto* version = std::get_if<std::int64_t>(&row[static_cast<std::size_t>(versionColumn)]);
        if (module == nullptr || version == nullptr) return invalid("backup: a schema_migrations row is malformed");
        int& latest = versions[*module];
        latest = std::max(latest, static_cast<int>(*version));
        return {};
    };
    OBSCURA_TRY_STATUS(sql::readDump(path, visitor));
    if (versions.empty()) return invalid("backup: " + path + " records no schema version (no schema_migrations)");
    return versions;
}

}  // namespace

Status MysqlStorage::backupTo(const std::string& path, const storage::RepoFn& inSnapshot) {
    OBSCURA_TRY_STATUS(sql::checkNotReentered(this, name(), "backupTo"));
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return invalid("storage mysql: backup: " + path + " already exists");
    return sql::guarded(name(), "backup", [&]() -> Status {
        auto lease = pool_.acquire();
        lease->beginSnapshot();
        struct EndSnapshot {
            Connection& c;
            ~EndSnapshot() { c.rollbackQuietly(); }
        } end{*lease};
        sql::DumpWriter dump;
        OBSCURA_TRY_STATUS(dump.open(path));
        for (const auto& table : baseTables(*lease)) OBSCURA_TRY_STATUS(dumpTable(*lease, table, dump));
        OBSCURA_TRY_STATUS(dump.close());
        if (!inSnapshot) return {};
        sql::SqlRepositories repos(*lease);
        return sql::invokeCallback(this, name(), inSnapshot, repos, "backup");
    });
}

Status MysqlStorage::restoreFrom(const std::string& path) {
    OBSCURA_TRY_STATUS(sql::checkNotReentered(this, name(), "restoreFrom"));
    OBSCURA_TRY(versions, dumpVersions(path));  // reads the whole dump: a damaged one is refused here
    for (const auto& known : knownMigrations()) {
        const auto it = versions.find(known.module);
        const int inBackup = it == versions.end() ? 0 : it->second;
        if (inBackup != known.toVersion) {
            return invalid("storage mysql: restore refused: the backup's module '" + known.module +
                           "' is at schema version " + std::to_string(inBackup) + ", this obscura writes version " +
                           std::to_string(known.toVersion) +
                           "; restore with the obscura version that made the backup, then upgrade");
        }
    }
    OBSCURA_TRY_STATUS(sql::guarded(name(), "restore", [&]() -> Status {
        auto lease = pool_.acquire();
        if (const auto table = firstTableWithRows(*lease); !table.empty()) {
            return invalid("storage mysql: restore refused: the database already holds data (table " + table +
                           "); restore into an empty database");
        }
        return {};
    }));
    for (const auto& known : knownMigrations()) OBSCURA_TRY_STATUS(migrate(known.module));
    return sql::guarded(name(), "restore", [&]() -> Status {
        auto lease = pool_.acquire();
        Connection& c = *lease;
        // The dump's tables come in name order; the rows reference each other only once all are in.
        c.exec("SET SESSION foreign_key_checks = 0");
        struct RestoreChecks {
            Connection& c;
            ~RestoreChecks() {
                c.rollbackQuietly();
                try {
                    c.exec("SET SESSION foreign_key_checks = 1");
                } catch (...) {
                    // A lost connection is dropped by the pool with its session settings.
                }
            }
        } restoreChecks{c};
        c.exec("DELETE FROM schema_migrations");  // the dump brings its own
        std::string insert;
        int inBatch = 0;
        c.begin(false);
        sql::DumpVisitor visitor;
        visitor.onTable = [&](const std::string& table, const std::vector<std::string>& columns) -> Status {
            insert = "INSERT INTO " + quoted(table) + " (";
            std::string marks;
            for (std::size_t i = 0; i < columns.size(); ++i) {
                insert += (i == 0 ? "" : ", ") + quoted(columns[i]);
                marks += i == 0 ? "?" : ", ?";
            }
            insert += ") VALUES (" + marks + ")";
            return {};
        };
        visitor.onRow = [&](const storage::Row& row) -> Status {
            auto stmt = c.prepare(insert);
            for (std::size_t i = 0; i < row.size(); ++i) stmt.set(static_cast<int>(i + 1), row[i]);
            stmt.execute();
            if (++inBatch == kRestoreBatch) {
                c.commit();
                c.begin(false);
                inBatch = 0;
            }
            return {};
        };
        if (auto read = sql::readDump(path, visitor); !read) {
            return Error(read.error().code, read.error().message +
                                                " (the database now holds part of the backup: empty it and restore "
                                                "again)");
        }
        c.commit();
        return {};
    });
}

Status MysqlStorageFactory::checkBackup(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return invalid("backup: no database dump at " + path);
    OBSCURA_TRY(versions, dumpVersions(path));
    (void)versions;
    return {};
}

}  // namespace obscura::mysql
