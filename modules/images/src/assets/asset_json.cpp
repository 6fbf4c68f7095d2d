// The asset object, written straight into a string (json_text.hpp): the listing writes up to 500 of them per
// request, and an nlohmann tree per asset cost more CPU than the database query. Room for the whole object is made
// once (assetJsonBound) and every fragment is then a plain copy: appending fragment by fragment (a library call
// and a capacity check each, the keys' strlen) was most of the rendering's time.
#include "assets/asset_json.hpp"

#include <array>
#include <cstring>
#include <nlohmann/json.hpp>

#include "obscura/base/json_text.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kExifKeys = std::size(kExifInfoKeys);
constexpr auto kExifNames = [] {
    std::array<std::string_view, kExifKeys> names{};
    for (std::size_t i = 0; i < kExifKeys; ++i) names[i] = kExifInfoKeys[i];
    return names;
}();

// More than the object's fixed text (its keys, punctuation, literals and the URLs' constant parts come to about
// 700 bytes; the unit test pins an empty record's object well below this).
constexpr std::size_t kFixedText = 2048;
constexpr std::size_t kNumbers = 8;  // sizeBytes, width, height, durationSeconds, two versions (and spare)

// The most bytes appendAssetJson writes for this record: each string at its worst escaping, each number at its
// longest; the exif values are copied as they are stored, the id twice more into the URLs.
std::size_t assetJsonBound(const storage::AssetView& a) {
    std::size_t strings = a.id.size() + a.ownerId.size() + a.type.size() + a.originalFileName.size() +
                          a.mimeType.size() + a.checksum.size() + a.takenAt.size() + a.createdAt.size() +
                          a.title.size() + a.description.size() + a.thumbnailState.size() + a.previewState.size() +
                          a.videoState.size() + (a.trashedAt ? a.trashedAt->size() : 0) +
                          (a.livePhotoVideoId ? a.livePhotoVideoId->size() : 0);
    std::size_t tagExtra = 0;
    for (const auto& tag : a.tags) {
        strings += tag.size();
        tagExtra += jsonStringBound(0) + 1;  // quotes and comma
    }
    return kFixedText + jsonStringBound(strings) + tagExtra + kNumbers * kJsonNumberBound + a.exif.size() +
           2 * a.id.size();
}

// Writes into room made beforehand: fixed text is a copy of a length the compiler knows.
struct Writer {
    char* p;

    template <std::size_t N>
    void text(const char (&fixed)[N]) {
        std::memcpy(p, fixed, N - 1);
        p += N - 1;
    }
    void raw(std::string_view bytes) {
        if (bytes.empty()) return;
        std::memcpy(p, bytes.data(), bytes.size());
        p += bytes.size();
    }
    void string(std::string_view value) { p = writeJsonString(p, value); }
    void number(std::int64_t value) { p = writeJsonNumber(p, value); }
    void number(double value) { p = writeJsonNumber(p, value); }
    void optionalInt(const std::optional<std::int64_t>& value) {
        if (value) {
            number(*value);
        } else {
            text("null");
        }
    }
    void optionalString(const std::optional<std::string_view>& value) {
        if (value) {
            string(*value);
        } else {
            text("null");
        }
    }
    void boolean(bool value) {
        if (value) {
            text("true");
        } else {
            text("false");
        }
    }

    // exifInfo with every key, from the stored object's scalar members (null where absent or not a scalar).
    void exifInfo(std::string_view stored) {
        std::array<std::string_view, kExifKeys> values{};
        forEachJsonMember(stored, [&](std::string_view name, std::string_view value) {
            if (value.empty() || value.front() == '{' || value.front() == '[') return;
            for (std::size_t i = 0; i < kExifKeys; ++i)
                if (name == kExifNames[i]) values[i] = value;
        });
        for (std::size_t i = 0; i < kExifKeys; ++i) {
            if (i == 0) {
                text("{\"");
            } else {
                text(",\"");
            }
            raw(kExifNames[i]);
            text("\":");
            if (values[i].empty()) {
                text("null");
            } else {
                raw(values[i]);  // valid JSON already: the column is checked with json_valid
            }
        }
        text("}");
    }

    void derivativeUrl(const storage::AssetView& asset, bool preview, std::int64_t version) {
        text("\"/api/assets/");
        raw(asset.id);  // a UUID: nothing to escape
        if (preview) {
            text("/thumbnail?size=preview&v=");
        } else {
            text("/thumbnail?size=thumbnail&v=");
        }
        number(version);
        text("\"");
    }

    void asset(const storage::AssetView& a) {
        text("{\"id\":");
        string(a.id);
        // Whose asset it is: a listing with partners mixes libraries (DESIGN.md section 7).
        text(",\"ownerId\":");
        string(a.ownerId);
        text(",\"type\":");
        string(a.type);
        text(",\"originalFileName\":");
        string(a.originalFileName);
        text(",\"mimeType\":");
        string(a.mimeType);
        text(",\"sizeBytes\":");
        number(a.sizeBytes);
        text(",\"checksum\":");
        string(a.checksum);
        text(",\"width\":");
        optionalInt(a.width);
        text(",\"height\":");
        optionalInt(a.height);
        if (a.durationSeconds) {
            text(",\"durationSeconds\":");
            number(*a.durationSeconds);
        }
        text(",\"takenAt\":");
        string(a.takenAt);
        text(",\"createdAt\":");
        string(a.createdAt);
        text(",\"title\":");
        string(a.title);
        text(",\"description\":");
        string(a.description);
        text(",\"tags\":[");
        for (std::size_t i = 0; i < a.tags.size(); ++i) {
            if (i > 0) text(",");
            string(a.tags[i]);
        }
        text("],\"isFavorite\":");
        boolean(a.isFavorite);
        text(",\"isArchived\":");
        boolean(a.isArchived);
        text(",\"isTrashed\":");
        boolean(a.isTrashed);
        if (a.isTrashed && a.trashedAt) {
            text(",\"trashedAt\":");
            string(*a.trashedAt);
        }
        // Immich's field: the still of a live photo names its (hidden) video.
        text(",\"livePhotoVideoId\":");
        optionalString(a.livePhotoVideoId);
        text(",\"exifInfo\":");
        exifInfo(a.exif);
        text(",\"derivatives\":{\"thumbnail\":");
        string(a.thumbnailState);
        text(",\"preview\":");
        string(a.previewState);
        text(",\"video\":");
        string(a.videoState);
        text("},\"thumbnailUrl\":");
        derivativeUrl(a, false, a.thumbnailVersion);
        text(",\"previewUrl\":");
        derivativeUrl(a, true, a.previewVersion);
        text("}");
    }
};

}  // namespace

void appendAssetJson(std::string& out, const storage::AssetView& asset) {
    // Room by resize (zero-filled), trimmed to what was written.
    const std::size_t size = out.size();
    out.resize(size + assetJsonBound(asset));
    Writer w{out.data() + size};
    w.asset(asset);
    out.resize(static_cast<std::size_t>(w.p - out.data()));
}

void appendAssetJson(std::string& out, const storage::AssetRecord& asset) {
    appendAssetJson(out, storage::viewOf(asset));
}

std::string assetObjectJson(const storage::AssetRecord& asset) {
    std::string out;
    appendAssetJson(out, asset);
    return out;
}

nlohmann::json assetJson(const storage::AssetRecord& asset) { return nlohmann::json::parse(assetObjectJson(asset)); }

AssetPageWriter::AssetPageWriter(std::size_t expectedItems) {
    out_.reserve(64 + expectedItems * 1024);  // about a page of typical assets: few reallocations
    out_ = "{\"items\":[";
    end_ = out_.size();
}

// out_ grows by resize and is never shrunk before finish(): each byte is zero-filled once, where a resize to each
// object's bound and back would zero its whole bound every time.
char* AssetPageWriter::room(std::size_t bytes) {
    if (out_.size() < end_ + bytes) out_.resize(end_ + bytes);
    return out_.data() + end_;
}

void AssetPageWriter::add(const storage::AssetView& asset) {
    Writer w{room(assetJsonBound(asset) + 1)};
    if (items_ > 0) w.text(",");
    w.asset(asset);
    end_ = static_cast<std::size_t>(w.p - out_.data());
    ++items_;
}

std::string AssetPageWriter::finish(const std::string& nextCursor) {
    Writer w{room(32 + jsonStringBound(nextCursor.size()))};
    w.text("],\"nextCursor\":");
    if (nextCursor.empty()) {
        w.text("null");
    } else {
        w.string(nextCursor);
    }
    w.text("}");
    out_.resize(static_cast<std::size_t>(w.p - out_.data()));
    return std::move(out_);
}

std::string assetPageJson(const storage::AssetPage& page, const std::string& nextCursor) {
    AssetPageWriter writer(page.items.size());
    for (const auto& asset : page.items) writer.add(storage::viewOf(asset));
    return writer.finish(nextCursor);
}

}  // namespace obscura::images
