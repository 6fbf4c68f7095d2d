#include "obscura/kernel/conditional_request.hpp"

#include "obscura/base/http_date.hpp"

namespace obscura {

namespace {

std::string_view trimBlank(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// The opaque part of an entity tag, without W/ and quotes.
std::string_view opaque(std::string_view tag) {
    tag = trimBlank(tag);
    if (tag.size() >= 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    return tag;
}

}  // namespace

bool ifNoneMatchHits(std::string_view header, std::string_view etag) {
    header = trimBlank(header);
    if (header == "*") return true;
    const std::string_view ours = opaque(etag);
    // Entity tags cannot contain commas or quotes inside, so a comma split is exact.
    while (!header.empty()) {
        const auto comma = header.find(',');
        const std::string_view tag = header.substr(0, comma);
        if (opaque(tag) == ours && !trimBlank(tag).empty()) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

bool notModified(std::optional<std::string_view> ifNoneMatch, std::optional<std::string_view> ifModifiedSince,
                 std::string_view etag, std::int64_t lastModified) {
    if (ifNoneMatch) return ifNoneMatchHits(*ifNoneMatch, etag);
    if (ifModifiedSince) {
        const auto since = parseHttpDate(*ifModifiedSince);
        return since && lastModified <= *since;
    }
    return false;
}

bool ifRangeAllows(std::optional<std::string_view> ifRange, std::string_view etag, std::int64_t lastModified) {
    if (!ifRange) return true;
    const std::string_view value = trimBlank(*ifRange);
    if (!value.empty() && (value.front() == '"' || value.substr(0, 2) == "W/")) return value == etag;  // strong only
    const auto date = parseHttpDate(value);
    return date && *date == lastModified;
}

}  // namespace obscura
