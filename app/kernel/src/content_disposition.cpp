#include "obscura/kernel/content_disposition.hpp"

#include "obscura/base/utf8.hpp"

namespace obscura {

namespace {

// RFC 8187 attr-char: what may stand unencoded in filename*.
bool isAttrChar(unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

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

}  // namespace obscura
