#pragma once
// The images module's records (DESIGN.md section 3, "Assets"). Plain data, no behaviour, no SQL.
// Times: RFC 3339 text exactly as the module gave it (offset kept) plus an INTEGER UTC-microseconds twin
// where rows are ordered or compared by time, because text with different offsets does not sort
// chronologically.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace obscura::storage {

inline constexpr const char* kDerivativePending = "pending";
inline constexpr const char* kDerivativeReady = "ready";
inline constexpr const char* kDerivativeFailed = "failed";

// The derivative kinds an asset object reports. Conversions (mp3, …) are the media module's own business.
inline constexpr const char* kDerivativeThumbnail = "thumbnail";
inline constexpr const char* kDerivativePreview = "preview";
inline constexpr const char* kDerivativeVideo = "video";

struct DerivativeState {
    std::string state = kDerivativePending;  // pending | ready | failed
    std::int64_t version = 0;                // the &v= of the URL; raised by each new ready derivative
};

// One asset row. Every field of DESIGN's asset object that is stored, plus what the server keeps privately
// (storagePath, device ids, file state). Never built from a client's filename: storagePath is made by the
// server ("library/<owner>/<yyyy>/<mm>/<asset-id>.<ext>", relative to the data dir).
struct AssetRecord {
    std::string id;                // UUID
    std::string ownerId;           // users.id; the row goes when the user goes
    std::string type;              // "image" | "video"
    std::string originalFileName;  // display only, already cleaned by the module
    std::string mimeType;          // from the content sniff, never the client's claim
    std::int64_t sizeBytes = 0;
    std::string checksum;               // SHA-1, 40 lower-case hex; unique per owner
    std::optional<std::int64_t> width;  // displayed size (orientation applied); nullopt when unknown
    std::optional<std::int64_t> height;
    std::optional<double> durationSeconds;  // videos
    std::string takenAt;                    // RFC 3339 with offset ("2021-07-04T10:20:30+02:00", or "…Z")
    std::int64_t takenAtUs = 0;             // the same instant, UTC µs: the listing's sort key
    std::string createdAt;                  // RFC 3339; when the row was made
    std::int64_t createdAtUs = 0;
    std::string updatedAt;  // RFC 3339; the last metadata change
    std::string title;
    std::string description;
    std::vector<std::string> tags;  // as the module normalised them (no duplicates ignoring ASCII case)
    bool isFavorite = false;
    bool isArchived = false;
    bool isTrashed = false;
    std::optional<std::string> trashedAt;  // set exactly when isTrashed
    std::optional<std::int64_t> trashedAtUs;
    // JSON text of the exifInfo object ("{}" when the file had none). Its "make" and "model" strings are
    // searchable (q): plugins read them from this JSON.
    std::string exif = "{}";
    std::string storagePath;    // relative to the data dir; unique
    std::string deviceAssetId;  // Immich's client-side ids, "" when not given
    std::string deviceId;
    DerivativeState thumbnail;
    DerivativeState preview;
    DerivativeState video;
    std::int64_t derivedBytes = 0;  // bytes of this asset's derivatives on disk (usage)
    bool fileMissing = false;       // set by fsck --repair when the original is gone
    // Live photos (migration "live_photos" 1). The still of a pair names its video; the video is hidden from
    // listings, the timeline and search (still reachable by id). liveContentId is Apple's content identifier
    // when the file had one; liveBaseName the lower-cased original name without extension (the fallback key).
    std::optional<std::string> livePhotoVideoId;
    bool isHidden = false;
    std::optional<std::string> liveContentId;
    std::optional<std::string> liveBaseName;
};

// One listed asset as the plugin reads it (ImagesRepository::visitAssets), borrowed from the driver's row: valid
// only during the call that hands it out. The fields of AssetRecord an asset object shows, with no string of its
// own: a page written straight from the rows makes no record, no allocation per field.
struct AssetView {
    std::string_view id;
    std::string_view ownerId;
    std::string_view type;
    std::string_view originalFileName;
    std::string_view mimeType;
    std::int64_t sizeBytes = 0;
    std::string_view checksum;
    std::optional<std::int64_t> width;
    std::optional<std::int64_t> height;
    std::optional<double> durationSeconds;
    std::string_view takenAt;
    std::int64_t takenAtUs = 0;
    std::string_view createdAt;
    std::string_view title;
    std::string_view description;
    std::span<const std::string> tags;
    bool isFavorite = false;
    bool isArchived = false;
    bool isTrashed = false;
    std::optional<std::string_view> trashedAt;
    std::string_view exif;  // the JSON text of the exifInfo object
    std::string_view thumbnailState;
    std::int64_t thumbnailVersion = 0;
    std::string_view previewState;
    std::int64_t previewVersion = 0;
    std::string_view videoState;
    std::optional<std::string_view> livePhotoVideoId;
};

// The view of a record (valid while the record lives and is not changed).
inline AssetView viewOf(const AssetRecord& a) {
    AssetView v;
    v.id = a.id;
    v.ownerId = a.ownerId;
    v.type = a.type;
    v.originalFileName = a.originalFileName;
    v.mimeType = a.mimeType;
    v.sizeBytes = a.sizeBytes;
    v.checksum = a.checksum;
    v.width = a.width;
    v.height = a.height;
    v.durationSeconds = a.durationSeconds;
    v.takenAt = a.takenAt;
    v.takenAtUs = a.takenAtUs;
    v.createdAt = a.createdAt;
    v.title = a.title;
    v.description = a.description;
    v.tags = a.tags;
    v.isFavorite = a.isFavorite;
    v.isArchived = a.isArchived;
    v.isTrashed = a.isTrashed;
    if (a.trashedAt) v.trashedAt = *a.trashedAt;
    v.exif = a.exif;
    v.thumbnailState = a.thumbnail.state;
    v.thumbnailVersion = a.thumbnail.version;
    v.previewState = a.preview.state;
    v.previewVersion = a.preview.version;
    v.videoState = a.video.state;
    if (a.livePhotoVideoId) v.livePhotoVideoId = *a.livePhotoVideoId;
    return v;
}

// Keyset position: the (takenAtUs, id) of the last item of the previous page.
struct AssetCursor {
    std::int64_t takenAtUs = 0;
    std::string id;
};

enum class SortOrder : std::uint8_t { Desc, Asc };  // by (takenAtUs, id); Desc = newest first

// Which of one owner's assets a listing, the timeline or a count looks at.
struct AssetFilter {
    std::string ownerId;                 // required: every query is scoped to one owner
    std::optional<std::int64_t> fromUs;  // takenAtUs >= fromUs
    std::optional<std::int64_t> toUs;    // takenAtUs < toUs (exclusive, so months chain without overlap)
    std::optional<std::string> tag;      // has this tag (ASCII case-insensitive)
    // In this album (the caller checks the album is the owner's; an album holds only its owner's assets).
    std::optional<std::string> albumId;
    // In this asset-set share link's assets (the public side of a link; the caller checks the link).
    std::optional<std::string> sharedLinkId;
    std::optional<bool> favorite;          // nullopt: either
    std::optional<bool> archived = false;  // nullopt: either; the default leaves archived assets out
    bool trashed = false;                  // false: live assets only; true: the trash only
    std::optional<std::string> type;       // "image" | "video"
    // Full-text search. q is split into words at every character that is not a letter or digit; an asset
    // matches when EVERY word matches (AND) a whole word or the beginning of a word (prefix) of its title,
    // description, tags, originalFileName, or EXIF make/model — case- and diacritics-insensitive ("Cafe"
    // finds "café"), never a match in the middle of a word ("ark" does not find "Park"). Quotes, operators
    // and punctuation in q are only word separators: nothing in q is query syntax. A q with no word at all
    // matches nothing. nullopt: no text condition.
    std::optional<std::string> q;
    // Partners' libraries shown beside the owner's (GET /api/assets?withPartners=true): each of these owners'
    // live, unarchived assets matching the rest of the filter, merged into one (takenAtUs, id) order. The caller
    // checked the partnerships and leaves favorite, albumId, sharedLinkId and trashed unset (they are the owner's
    // own business); plugins ignore archived for these owners (never archived ones).
    std::vector<std::string> partnerIds;

    // Finding filters (DESIGN.md section 11). make, model, lens: the EXIF value, whole and ASCII case-insensitive.
    std::optional<std::string> make;
    std::optional<std::string> model;
    std::optional<std::string> lens;
    // Within km of a point (the asset's EXIF position; assets without one never match).
    struct Near {
        double latitude = 0;
        double longitude = 0;
        double km = 0;
    };
    std::optional<Near> near;
};

struct AssetQuery {
    AssetFilter filter;
    int limit = 100;  // 1..500 (the module validates; plugins clamp into that range)
    SortOrder order = SortOrder::Desc;
    std::optional<AssetCursor> after;  // start strictly after this position in `order`
};

struct AssetPage {
    std::vector<AssetRecord> items;
    bool hasMore = false;  // another page follows the last item
};

// PATCH /api/assets/{id}: only the fields that are set change. updatedAt is always written.
struct AssetUpdate {
    std::optional<std::string> title;
    std::optional<std::string> description;
    std::optional<std::vector<std::string>> tags;  // replaces the whole set
    std::optional<bool> isFavorite;
    std::optional<bool> isArchived;
    std::optional<std::string> takenAt;  // with takenAtUs, both or neither
    std::optional<std::int64_t> takenAtUs;
    std::string updatedAt;
};

// What a write to one asset did.
enum class AssetWrite : std::uint8_t { NotFound, Changed, Unchanged };

struct TimelineBucket {
    std::string month;  // "2021-07": the month of takenAt in its own offset (the photo's local calendar)
    std::int64_t count = 0;
};

struct TagCount {
    std::string tag;
    std::int64_t count = 0;
};

// One owner's storage figures. Trashed assets count: they use disk until purged.
struct AssetUsage {
    std::int64_t assets = 0;
    std::int64_t images = 0;
    std::int64_t videos = 0;
    std::int64_t bytesOriginals = 0;
    std::int64_t bytesDerived = 0;
    std::int64_t bandwidthBytesThisMonth = 0;  // of the month asked for
};

}  // namespace obscura::storage
