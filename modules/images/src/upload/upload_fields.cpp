#include "upload/upload_fields.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "assets/asset_text.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/utf8.hpp"

namespace obscura::images {

namespace {

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

Error badField(const std::string& name, const std::string& why) { return invalid("form field '" + name + "' " + why); }

Expected<Rfc3339> dateField(const std::string& name, const std::string& value) {
    auto parsed = parseRfc3339(trimmed(value));
    if (!parsed) return badField(name, "must be an RFC 3339 date-time with an offset, like 2021-07-04T10:20:30+02:00");
    return *parsed;
}

Expected<bool> boolField(const std::string& name, const std::string& value) {
    std::string v = trimmed(value);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    return badField(name, "must be true or false");
}

Expected<std::int64_t> sizeField(const std::string& name, const std::string& value) {
    const std::string v = trimmed(value);
    if (v.empty() || v.size() > 18 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return badField(name, "must be a whole number of bytes");
    return std::stoll(v);
}

Expected<std::string> deviceField(const std::string& name, const std::string& value) {
    if (value.size() > kMaxDeviceIdBytes)
        return badField(name, "may be at most " + std::to_string(kMaxDeviceIdBytes) + " bytes");
    if (std::any_of(value.begin(), value.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
        return badField(name, "must not contain control characters");
    return value;
}

// Each "tags" field holds one tag or several separated by commas.
void splitTags(const std::string& value, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start <= value.size()) {
        const auto comma = std::min(value.find(',', start), value.size());
        out.push_back(value.substr(start, comma - start));
        start = comma + 1;
    }
}

}  // namespace

Expected<UploadFields> parseUploadFields(const FormFields& fields) {
    static const std::set<std::string, std::less<>> kSingle = {
        "title",    "description",   "takenAt",        "albumId",    "deviceAssetId",
        "deviceId", "fileCreatedAt", "fileModifiedAt", "isFavorite", "fileSize"};
    UploadFields out;
    std::set<std::string, std::less<>> seen;
    std::vector<std::string> rawTags;
    for (const auto& [name, value] : fields) {
        const bool known = name == "tags" || kSingle.count(name) > 0;
        if (!known) continue;  // DESIGN.md: unknown parts are skipped
        // Multipart values arrive as raw bytes; the text rules (asset_text.hpp) expect valid UTF-8, and JSON
        // cannot carry anything else.
        if (!isValidUtf8(value)) return badField(name, "is not valid UTF-8");
        if (name != "tags" && !seen.insert(name).second) return badField(name, "was sent more than once");
        if (name == "title") {
            OBSCURA_TRY_STATUS(checkTitle(value));
            out.title = value;
        } else if (name == "description") {
            OBSCURA_TRY_STATUS(checkDescription(value));
            out.description = value;
        } else if (name == "tags") {
            splitTags(value, rawTags);
        } else if (name == "takenAt") {
            OBSCURA_TRY(d, dateField(name, value));
            out.takenAt = std::move(d);
        } else if (name == "albumId") {
            const std::string id = trimmed(value);
            if (!isUuid(id)) return badField(name, "must be an album id (a UUID)");
            out.albumId = id;
        } else if (name == "deviceAssetId") {
            OBSCURA_TRY(v, deviceField(name, value));
            out.deviceAssetId = std::move(v);
        } else if (name == "deviceId") {
            OBSCURA_TRY(v, deviceField(name, value));
            out.deviceId = std::move(v);
        } else if (name == "fileCreatedAt") {
            OBSCURA_TRY(d, dateField(name, value));
            out.fileCreatedAt = std::move(d);
        } else if (name == "fileModifiedAt") {
            OBSCURA_TRY(d, dateField(name, value));
            out.fileModifiedAt = std::move(d);
        } else if (name == "isFavorite") {
            OBSCURA_TRY(b, boolField(name, value));
            out.isFavorite = b;
        } else if (name == "fileSize") {
            OBSCURA_TRY(n, sizeField(name, value));
            out.fileSize = n;
        }
    }
    OBSCURA_TRY(tags, normalizeTags(rawTags));
    out.tags = std::move(tags);
    return out;
}

}  // namespace obscura::images
