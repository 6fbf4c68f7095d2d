#include "content_disposition.hpp"

#include "obscura/base/utf8.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxNameBytes = 255;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

bool endsWithIgnoringCase(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    s = s.substr(s.size() - suffix.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        if (lower(s[i]) != lower(suffix[i])) return false;
    return true;
}

// RFC 8187 attr-char: what may stand unencoded in filename*.
bool isAttrChar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string downloadFileName(std::string_view clientName, std::string_view fallbackStem, const MediaType* type) {
    // cleanUtf8Text drops control characters (CR, LF, NUL…) and repairs broken UTF-8.
    std::string name = cleanUtf8Text(clientName, kMaxNameBytes);
    for (char& c : name)
        if (c == '/' || c == '\\') c = '_';
    if (name.find_first_not_of(". ") == std::string::npos) name.clear();  // "", ".", ".." name nothing
    if (name.empty()) name = std::string(fallbackStem);
    if (type && !type->extensions.empty()) {
        bool ours = false;
        for (auto ext : type->extensions) ours = ours || endsWithIgnoringCase(name, ext);
        if (!ours) name += std::string(type->extensions.front());
    }
    return name;
}

std::string attachmentDisposition(std::string_view fileName) {
    std::string ascii;
    std::string encoded;
    for (std::size_t i = 0; i < fileName.size(); ++i) {
        const auto c = static_cast<unsigned char>(fileName[i]);
        if (isAttrChar(c)) {
            encoded.push_back(static_cast<char>(c));
        } else {
            static constexpr char kHex[] = "0123456789ABCDEF";
            encoded.push_back('%');
            encoded.push_back(kHex[c >> 4]);
            encoded.push_back(kHex[c & 15]);
        }
        if (c >= 0x80) {
            // One '_' per character, not per byte: skip the continuation bytes.
            if ((c & 0xC0) != 0x80) ascii.push_back('_');
            continue;
        }
        // Quotes and backslashes would end or escape the quoted-string; '%' some browsers decode; controls
        // would split the header.
        const bool safe = c >= 0x20 && c < 0x7F && c != '"' && c != '\\' && c != '%';
        ascii.push_back(safe ? static_cast<char>(c) : '_');
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace obscura::images
