#include "obscura/kernel/byte_range.hpp"

#include <charconv>
#include <optional>

namespace obscura {

namespace {

std::string_view trimBlank(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Digits only (no sign, no blanks inside); nullopt when empty, not a number or too large.
std::optional<std::uint64_t> number(std::string_view s) {
    if (s.empty()) return std::nullopt;
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

bool iequalsBytes(std::string_view unit) {
    if (unit.size() != 5) return false;
    const char* expected = "bytes";
    for (std::size_t i = 0; i < 5; ++i) {
        char c = unit[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        if (c != expected[i]) return false;
    }
    return true;
}

}  // namespace

ByteRange parseByteRange(std::string_view header, std::uint64_t size) {
    ByteRange full;
    header = trimBlank(header);
    const auto eq = header.find('=');
    if (eq == std::string_view::npos || !iequalsBytes(trimBlank(header.substr(0, eq)))) return full;
    std::string_view spec = trimBlank(header.substr(eq + 1));
    if (spec.find(',') != std::string_view::npos) return full;  // several ranges: the whole file
    const auto dash = spec.find('-');
    if (dash == std::string_view::npos) return full;
    const std::string_view first = trimBlank(spec.substr(0, dash));
    const std::string_view last = trimBlank(spec.substr(dash + 1));

    ByteRange r;
    r.kind = ByteRange::Kind::Partial;
    if (first.empty()) {
        // Suffix: the last N bytes. "-0" asks for nothing, which no file can satisfy.
        auto n = number(last);
        if (!n) return full;
        if (*n == 0 || size == 0) return ByteRange{ByteRange::Kind::Unsatisfiable};
        r.length = std::min(*n, size);
        r.offset = size - r.length;
        return r;
    }
    auto start = number(first);
    if (!start) return full;
    std::optional<std::uint64_t> end;
    if (!last.empty()) {
        end = number(last);
        if (!end || *end < *start) return full;  // malformed: ignored, as RFC 9110 allows
    }
    if (*start >= size) return ByteRange{ByteRange::Kind::Unsatisfiable};
    const std::uint64_t lastByte = end ? std::min(*end, size - 1) : size - 1;
    r.offset = *start;
    r.length = lastByte - *start + 1;
    return r;
}

}  // namespace obscura
