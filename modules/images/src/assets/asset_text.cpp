#include "assets/asset_text.hpp"

#include <algorithm>

namespace obscura::images {

namespace {

bool isControl(unsigned char c, bool allowLineBreaks) {
    if (allowLineBreaks && (c == '\n' || c == '\r' || c == '\t')) return false;
    return c < 0x20 || c == 0x7f;
}

bool hasControl(const std::string& text, bool allowLineBreaks) {
    return std::any_of(text.begin(), text.end(),
                       [&](char c) { return isControl(static_cast<unsigned char>(c), allowLineBreaks); });
}

std::string asciiLower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

}  // namespace

Status checkTitle(const std::string& title) {
    if (title.size() > kMaxTitleBytes)
        return invalid("title may be at most " + std::to_string(kMaxTitleBytes) + " bytes");
    if (hasControl(title, false)) return invalid("title must not contain control characters");
    return {};
}

Status checkDescription(const std::string& description) {
    if (description.size() > kMaxDescriptionBytes)
        return invalid("description may be at most " + std::to_string(kMaxDescriptionBytes) + " bytes");
    if (hasControl(description, true)) return invalid("description must not contain control characters");
    return {};
}

Expected<std::vector<std::string>> normalizeTags(const std::vector<std::string>& tags) {
    std::vector<std::string> result;
    std::vector<std::string> keys;
    for (const auto& raw : tags) {
        std::string tag = trim(raw);
        if (tag.empty()) continue;
        if (tag.size() > kMaxTagBytes)
            return invalid("a tag may be at most " + std::to_string(kMaxTagBytes) + " bytes");
        if (tag.find(',') != std::string::npos) return invalid("a tag cannot contain a comma");
        if (hasControl(tag, false)) return invalid("a tag must not contain control characters");
        std::string key = asciiLower(tag);
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
        keys.push_back(std::move(key));
        result.push_back(std::move(tag));
    }
    if (result.size() > kMaxTags) return invalid("an asset may have at most " + std::to_string(kMaxTags) + " tags");
    return result;
}

}  // namespace obscura::images
