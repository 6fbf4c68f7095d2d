#pragma once
// Hand-written JSON text, for the few places where a JSON library costs too much: the hot listing path
// (appending to one reserved string costs a fraction of building an nlohmann::json tree and serialising it —
// measured in bench/listing: the tree was half of a 100-asset page's CPU time) and app/http's fixed-shape
// documents (error bodies, access-log lines). All other JSON input is parsed with nlohmann.
#include <cstdint>
#include <string>
#include <string_view>

namespace obscura {

// Appends text as a quoted JSON string. ", \ and control characters (DEL included, so a log line stays
// printable) are escaped; bytes that are not well-formed UTF-8 become U+FFFD, as nlohmann's replace handler
// does — a hostile value can break neither the document nor the log line.
void appendJsonString(std::string& out, std::string_view text);
// Shortest round-trip form; NaN and infinities (not JSON) as null.
void appendJsonNumber(std::string& out, double value);
void appendJsonNumber(std::string& out, std::int64_t value);

// The same written into a buffer the caller sized beforehand, for a writer that reserves room for a whole object
// once instead of growing a string fragment by fragment (the asset listing: a per-fragment append was a library
// call with a capacity check, most of the page's rendering time). Each answers the end of what it wrote.
// writeJsonString needs room for jsonStringBound(text.size()) bytes, writeJsonNumber for kJsonNumberBound.
constexpr std::size_t jsonStringBound(std::size_t size) { return 6 * size + 2; }  // every byte \u00XX, the quotes
inline constexpr std::size_t kJsonNumberBound = 32;
char* writeJsonString(char* out, std::string_view text);
char* writeJsonNumber(char* out, double value);
char* writeJsonNumber(char* out, std::int64_t value);

// The value texts of a flat JSON object's top-level keys, as they appear in the text (already valid JSON:
// strings with their quotes and escapes, numbers, true/false/null). Nested objects and arrays are skipped.
// Calls found(key, valueText) for each key written without escapes; false when the text is not an object.
template <typename Found>
bool forEachJsonMember(std::string_view text, Found&& found);

namespace detail {
// Index just past the JSON value starting at text[pos] (after whitespace), or npos when malformed.
std::size_t skipJsonValue(std::string_view text, std::size_t pos);
std::size_t skipJsonSpace(std::string_view text, std::size_t pos);
}  // namespace detail

template <typename Found>
bool forEachJsonMember(std::string_view text, Found&& found) {
    using detail::skipJsonSpace;
    using detail::skipJsonValue;
    std::size_t pos = skipJsonSpace(text, 0);
    if (pos >= text.size() || text[pos] != '{') return false;
    pos = skipJsonSpace(text, pos + 1);
    if (pos < text.size() && text[pos] == '}') return true;
    while (pos < text.size()) {
        if (text[pos] != '"') return false;
        const std::size_t keyEnd = skipJsonValue(text, pos);
        if (keyEnd == std::string_view::npos) return false;
        const std::string_view key = text.substr(pos + 1, keyEnd - pos - 2);
        pos = skipJsonSpace(text, keyEnd);
        if (pos >= text.size() || text[pos] != ':') return false;
        const std::size_t valueStart = skipJsonSpace(text, pos + 1);
        const std::size_t valueEnd = skipJsonValue(text, valueStart);
        if (valueEnd == std::string_view::npos) return false;
        if (key.find('\\') == std::string_view::npos) found(key, text.substr(valueStart, valueEnd - valueStart));
        pos = skipJsonSpace(text, valueEnd);
        if (pos < text.size() && text[pos] == '}') return true;
        if (pos >= text.size() || text[pos] != ',') return false;
        pos = skipJsonSpace(text, pos + 1);
    }
    return false;
}

}  // namespace obscura
