#include "sql_dump.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

namespace obscura::sql {

namespace {

constexpr const char* kMagic = "obscura-dump 1";

Status writeError(const std::string& path) {
    return internalError("backup: cannot write " + path + ": " + std::strerror(errno));
}

std::string realText(double value) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", value);
    return text;
}

}  // namespace

DumpWriter::~DumpWriter() {
    if (file_ != nullptr) std::fclose(file_);
}

Status DumpWriter::check() {
    if (file_ == nullptr || std::ferror(file_) != 0) return writeError(path_);
    return {};
}

Status DumpWriter::open(const std::string& path) {
    path_ = path;
    file_ = std::fopen(path.c_str(), "wbx");  // x: never overwrite a file that is there
    if (file_ == nullptr) return writeError(path);
    std::fprintf(file_, "%s\n", kMagic);
    return check();
}

Status DumpWriter::beginTable(const std::string& name, const std::vector<std::string>& columns) {
    std::fprintf(file_, "table %s %zu\n", name.c_str(), columns.size());
    for (const auto& column : columns) std::fprintf(file_, "column %s\n", column.c_str());
    tableRows_ = 0;
    ++tables_;
    return check();
}

Status DumpWriter::row(const storage::Row& values) {
    std::fputs("row\n", file_);
    for (const auto& value : values) {
        if (std::holds_alternative<std::monostate>(value)) {
            std::fputs("n\n", file_);
        } else if (const auto* whole = std::get_if<std::int64_t>(&value)) {
            std::fprintf(file_, "i %lld\n", static_cast<long long>(*whole));
        } else if (const auto* real = std::get_if<double>(&value)) {
            std::fprintf(file_, "r %s\n", realText(*real).c_str());
        } else {
            const auto& text = std::get<std::string>(value);
            std::fprintf(file_, "t %zu\n", text.size());
            std::fwrite(text.data(), 1, text.size(), file_);
            std::fputc('\n', file_);
        }
    }
    ++tableRows_;
    ++rows_;
    return check();
}

Status DumpWriter::endTable() {
    std::fprintf(file_, "end %lld\n", static_cast<long long>(tableRows_));
    return check();
}

Status DumpWriter::close() {
    std::fprintf(file_, "done %lld %lld\n", static_cast<long long>(tables_), static_cast<long long>(rows_));
    OBSCURA_TRY_STATUS(check());
    if (std::fflush(file_) != 0 || ::fsync(fileno(file_)) != 0) return writeError(path_);
    const int closed = std::fclose(file_);
    file_ = nullptr;
    if (closed != 0) return writeError(path_);
    return {};
}

namespace {

// Reads a dump line by line, counting lines for the messages.
class DumpLines {
public:
    explicit DumpLines(const std::string& path) : path_(path), in_(path, std::ios::binary) {}
    bool opened() const { return static_cast<bool>(in_); }
    Error fail(const std::string& what) const {
        return invalid("backup: " + path_ + " line " + std::to_string(line_) + ": " + what);
    }
    // The next line without its newline; false at the end of the file.
    bool next(std::string& line) {
        if (!std::getline(in_, line)) return false;
        ++line_;
        return true;
    }
    // `length` bytes followed by a newline.
    bool bytes(std::size_t length, std::string& out) {
        out.resize(length);
        if (length > 0 && !in_.read(out.data(), static_cast<std::streamsize>(length))) return false;
        ++line_;
        return in_.get() == '\n';
    }

private:
    std::string path_;
    std::ifstream in_;
    std::int64_t line_ = 0;
};

bool startsWith(const std::string& line, const char* prefix, std::string& rest) {
    const std::size_t n = std::strlen(prefix);
    if (line.compare(0, n, prefix) != 0) return false;
    rest = line.substr(n);
    return true;
}

bool parseInt(const std::string& text, long long& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    out = std::strtoll(text.c_str(), &end, 10);
    return errno == 0 && end == text.c_str() + text.size();
}

Expected<storage::Value> readValue(DumpLines& lines) {
    std::string line, rest;
    if (!lines.next(line)) return lines.fail("the file ends inside a row (truncated)");
    if (line == "n") return storage::Value{};
    long long whole = 0;
    if (startsWith(line, "i ", rest)) {
        if (!parseInt(rest, whole)) return lines.fail("not an integer");
        return storage::Value{static_cast<std::int64_t>(whole)};
    }
    if (startsWith(line, "r ", rest)) {
        char* end = nullptr;
        const double real = std::strtod(rest.c_str(), &end);
        if (rest.empty() || end != rest.c_str() + rest.size()) return lines.fail("not a number");
        return storage::Value{real};
    }
    if (startsWith(line, "t ", rest)) {
        if (!parseInt(rest, whole) || whole < 0) return lines.fail("not a text length");
        std::string text;
        if (!lines.bytes(static_cast<std::size_t>(whole), text)) return lines.fail("a text value is cut short");
        return storage::Value{std::move(text)};
    }
    return lines.fail("not a value");
}

}  // namespace

Status readDump(const std::string& path, const DumpVisitor& visitor) {
    DumpLines lines(path);
    if (!lines.opened()) return invalid("backup: cannot read " + path + ": " + std::strerror(errno));
    std::string line, rest;
    if (!lines.next(line) || line != kMagic) return lines.fail("not an Obscura database dump");
    long long tables = 0, rows = 0;
    for (;;) {
        if (!lines.next(line)) return lines.fail("the file ends before its closing line (truncated)");
        if (startsWith(line, "done ", rest)) {
            const auto space = rest.find(' ');
            long long wantTables = -1, wantRows = -1;
            if (space == std::string::npos || !parseInt(rest.substr(0, space), wantTables) ||
                !parseInt(rest.substr(space + 1), wantRows) || wantTables != tables || wantRows != rows) {
                return lines.fail("the closing line does not match the tables and rows read");
            }
            if (lines.next(line)) return lines.fail("data after the closing line");
            return {};
        }
        if (!startsWith(line, "table ", rest)) return lines.fail("expected a table");
        const auto space = rest.find(' ');
        long long columnCount = 0;
        if (space == std::string::npos || !parseInt(rest.substr(space + 1), columnCount) || columnCount < 1)
            return lines.fail("a table line needs a name and a column count");
        const std::string table = rest.substr(0, space);
        std::vector<std::string> columns;
        for (long long c = 0; c < columnCount; ++c) {
            if (!lines.next(line) || !startsWith(line, "column ", rest) || rest.empty())
                return lines.fail("expected a column of " + table);
            columns.push_back(rest);
        }
        if (visitor.onTable) OBSCURA_TRY_STATUS(visitor.onTable(table, columns));
        ++tables;
        long long tableRows = 0;
        for (;;) {
            if (!lines.next(line)) return lines.fail("the file ends inside table " + table + " (truncated)");
            if (startsWith(line, "end ", rest)) {
                long long want = -1;
                if (!parseInt(rest, want) || want != tableRows)
                    return lines.fail("table " + table + " ends with a row count that does not match");
                break;
            }
            if (line != "row") return lines.fail("expected a row of " + table);
            storage::Row row;
            row.reserve(columns.size());
            for (std::size_t c = 0; c < columns.size(); ++c) {
                OBSCURA_TRY(value, readValue(lines));
                row.push_back(std::move(value));
            }
            if (visitor.onRow) OBSCURA_TRY_STATUS(visitor.onRow(row));
            ++tableRows;
            ++rows;
        }
    }
}

}  // namespace obscura::sql
