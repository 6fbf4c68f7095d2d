#pragma once
// The images module's albums and share links (DESIGN.md section 3, "Albums", "Share links"). Plain data, no
// behaviour, no SQL. Times as in asset_records.hpp: RFC 3339 text plus a UTC-microseconds twin where rows are
// ordered or compared by time.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace obscura::storage {

struct AlbumRecord {
    std::string id;       // UUID
    std::string ownerId;  // users.id; the album goes when the user goes
    std::string name;     // Immich's albumName
    std::string description;
    // The cover the owner chose (albumThumbnailAssetId); nullopt = the first asset added. Plugins answer it only
    // while that asset is still in the album (see AlbumView::coverAssetId).
    std::optional<std::string> thumbnailAssetId;
    // The owner's album this one sits in (nested albums); nullopt at the top level. Not a foreign key: rows copy
    // between plugins in id order, and deleting a parent moves its children up in the same transaction.
    std::optional<std::string> parentId;
    // Whether members (and not only the owner) may download originals; share links keep their own flag.
    bool allowDownload = true;
    std::string createdAt;
    std::int64_t createdAtUs = 0;
    std::string updatedAt;
};

// An album as listings show it.
struct AlbumView {
    AlbumRecord album;
    std::int64_t assetCount = 0;              // assets in the album that are not in the trash
    std::optional<std::string> coverAssetId;  // the chosen cover if still in the album, else the first added
};

// PATCH /api/albums/{id}: only the fields that are set change; updatedAt is always written.
struct AlbumUpdate {
    std::optional<std::string> name;
    std::optional<std::string> description;
    std::optional<std::optional<std::string>> thumbnailAssetId;  // set to a value or to "none"
    std::optional<std::optional<std::string>> parentId;          // set to an album or to the top level
    std::optional<bool> allowDownload;
    std::string updatedAt;
};

// What adding or removing one id did (PUT|DELETE /api/albums/{id}/assets answer one result per id).
enum class AlbumAssetChange : std::uint8_t {
    Done,       // added / removed
    Duplicate,  // already in the album (add) — also the second of one id sent twice
    NotFound,   // not the owner's live asset (add) or not in the album (remove)
};

struct SharedLinkRecord {
    std::string id;       // UUID
    std::string ownerId;  // users.id
    // The key in the URL (>= 128 random bits, base64url). Kept so the owner's listing can show the link again;
    // looked up only through keyHash, so no query's timing depends on how much of a guessed key is right.
    std::string key;
    std::string keyHash;                   // hash of key, unique
    std::optional<std::string> albumId;    // an album link; nullopt: a link to the assets in assetIds
    std::vector<std::string> assetIds;     // an asset-set link's assets (empty for an album link)
    std::optional<std::string> expiresAt;  // RFC 3339; nullopt = never
    std::optional<std::int64_t> expiresAtUs;
    std::optional<std::string> passwordHash;  // argon2id, encoded; nullopt = no password
    bool allowDownload = true;
    std::string createdAt;
    std::int64_t createdAtUs = 0;
};

}  // namespace obscura::storage
