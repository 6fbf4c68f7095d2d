#include "download_file_name.hpp"

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

}  // namespace obscura::images
