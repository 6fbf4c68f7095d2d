#include "resumable/upload_metadata.hpp"

#include "obscura/base/utf8.hpp"
#include "obscura/formats/client_file_name.hpp"
#include "obscura/formats/sha1.hpp"

namespace obscura::images {

namespace {

int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Standard base64 with its padding, as the tus specification requires; nullopt on anything else.
std::optional<std::string> decodeStrictBase64(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        int v[4];
        int padding = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text[i + static_cast<std::size_t>(k)];
            if (c == '=' && i + 4 == text.size() && k >= 2) {
                v[k] = 0;
                ++padding;
                continue;
            }
            if (padding > 0) return std::nullopt;  // data after padding
            v[k] = base64Value(c);
            if (v[k] < 0) return std::nullopt;
        }
        const unsigned triple = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                                (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
        out.push_back(static_cast<char>((triple >> 16) & 0xFF));
        if (padding < 2) out.push_back(static_cast<char>((triple >> 8) & 0xFF));
        if (padding < 1) out.push_back(static_cast<char>(triple & 0xFF));
    }
    return out;
}

std::string encodeBase64(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                           (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
        for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
    }
    if (i < bytes.size()) {
        unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
        if (i + 1 < bytes.size()) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

Expected<UploadMetadata> parseUploadMetadata(std::string_view header) {
    if (header.size() > kMaxUploadMetadataBytes) {
        return badRequest("Upload-Metadata is " + std::to_string(header.size()) + " bytes; at most " +
                          std::to_string(kMaxUploadMetadataBytes) + " are accepted");
    }
    UploadMetadata out;
    if (trim(header).empty()) return out;
    std::size_t start = 0;
    while (start <= header.size()) {
        std::size_t end = header.find(',', start);
        if (end == std::string_view::npos) end = header.size();
        const std::string_view pair = trim(header.substr(start, end - start));
        start = end + 1;
        const auto space = pair.find(' ');
        const std::string_view key = pair.substr(0, space);
        const std::string_view encoded =
            space == std::string_view::npos ? std::string_view() : trim(pair.substr(space));
        if (key.empty()) return badRequest("Upload-Metadata has an empty key");
        for (char c : key) {
            if (c <= ' ' || c >= 0x7F || c == ',')
                return badRequest("Upload-Metadata key '" + std::string(key) + "' is not printable ASCII");
        }
        for (const auto& [seen, value] : out) {
            if (seen == key) return badRequest("Upload-Metadata repeats the key '" + std::string(key) + "'");
        }
        auto value = decodeStrictBase64(encoded);
        if (!value) return badRequest("Upload-Metadata's value of '" + std::string(key) + "' is not valid base64");
        if (!isValidUtf8(*value))
            return badRequest("Upload-Metadata's value of '" + std::string(key) + "' is not UTF-8");
        out.emplace_back(std::string(key), std::move(*value));
    }
    return out;
}

std::string formatUploadMetadata(const UploadMetadata& metadata) {
    std::string out;
    for (const auto& [key, value] : metadata) {
        if (!out.empty()) out += ',';
        out += key;
        if (!value.empty()) out += ' ' + encodeBase64(value);
    }
    return out;
}

Expected<ResumableFields> readResumableFields(const UploadMetadata& metadata) {
    ResumableFields out;
    FormFields form;
    for (const auto& [key, value] : metadata) {
        if (key == "filename") {
            out.fileName = formats::sanitizeClientFileName(value);
        } else if (key == "checksum") {
            auto digest = formats::parseSha1Checksum(value);
            if (!digest) return badRequest("the checksum metadata is not a SHA-1 (40 hex or 28 base64 characters)");
            out.checksum = formats::toHex(*digest);
        } else if (key == "albumId" || key == "title" || key == "description" || key == "fileCreatedAt") {
            form.emplace_back(key, value);
        }
    }
    OBSCURA_TRY(fields, parseUploadFields(form));
    out.fields = std::move(fields);
    return out;
}

}  // namespace obscura::images
