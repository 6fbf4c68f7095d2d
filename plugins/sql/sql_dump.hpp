#pragma once
// The dump file a server database's backup is written to (`obscura backup` through the MySQL plugin): every table
// with its column names and its rows, values typed as storage::Value (NULL, integer, real, text — text is
// length-prefixed, so any byte goes through). Plain text, one value per line, so a dump can be looked at with
// `less`, and a truncated one is found at once: the last line counts the tables and rows written, and a file
// without it is refused.
//
//     obscura-dump 1
//     table <name> <column count>
//     column <name>                      (column count times)
//     row                                (then one line per column:)
//     n | i <integer> | r <real> | t <byte length>\n<bytes>
//     end <rows of the table>
//     done <tables> <rows>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/table_rows.hpp"

namespace obscura::sql {

// Writes a dump to a new file. Throws nothing: each call answers a Status; close() flushes and fsyncs.
class DumpWriter {
public:
    DumpWriter() = default;
    ~DumpWriter();
    DumpWriter(const DumpWriter&) = delete;
    DumpWriter& operator=(const DumpWriter&) = delete;

    // Creates path, which must not exist yet.
    Status open(const std::string& path);
    Status beginTable(const std::string& name, const std::vector<std::string>& columns);
    Status row(const storage::Row& values);
    Status endTable();
    // Writes the closing line, flushes and fsyncs the file.
    Status close();

private:
    Status check();
    std::FILE* file_ = nullptr;
    std::string path_;
    std::int64_t tables_ = 0;
    std::int64_t rows_ = 0;
    std::int64_t tableRows_ = 0;
};

struct DumpVisitor {
    // A table begins (its rows follow).
    std::function<Status(const std::string& table, const std::vector<std::string>& columns)> onTable;
    std::function<Status(const storage::Row& row)> onRow;
};

// Reads a whole dump, calling the visitor (either member may be empty). Invalid naming the line when the file is
// not a dump, is cut short (no closing line) or its counts do not add up; a visitor's error stops the read.
Status readDump(const std::string& path, const DumpVisitor& visitor);

}  // namespace obscura::sql
