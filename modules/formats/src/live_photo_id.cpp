#include "obscura/formats/live_photo_id.hpp"

#include <fstream>

namespace obscura::formats {

std::optional<std::string> normaliseContentIdentifier(std::string_view text) {
    if (text.empty() || text.size() > 64) return std::nullopt;
    std::string out;
    for (const char c : text) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
        if (!ok) return std::nullopt;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::optional<std::string> findContentIdentifier(std::string_view bytes) {
    constexpr std::string_view kName = ":ContentIdentifier";
    for (std::size_t at = bytes.find(kName); at != std::string_view::npos; at = bytes.find(kName, at + 1)) {
        std::size_t i = at + kName.size();
        while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) ++i;
        if (i >= bytes.size()) return std::nullopt;
        char end = 0;
        if (bytes[i] == '=') {  // attribute form: = then a quote
            ++i;
            while (i < bytes.size() && bytes[i] == ' ') ++i;
            if (i >= bytes.size() || (bytes[i] != '"' && bytes[i] != '\'')) continue;
            end = bytes[i++];
        } else if (bytes[i] == '>') {  // element form: the text up to the next tag
            ++i;
            end = '<';
        } else {
            continue;  // another name that merely starts with ContentIdentifier
        }
        const std::size_t close = bytes.find(end, i);
        if (close == std::string_view::npos) return std::nullopt;
        if (auto id = normaliseContentIdentifier(bytes.substr(i, close - i))) return id;
    }
    return std::nullopt;
}

std::optional<std::string> readStillContentIdentifier(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string head(kLivePhotoScanBytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return findContentIdentifier(head);
}

}  // namespace obscura::formats
