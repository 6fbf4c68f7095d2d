#pragma once
// Share links' rules and transactions. The owner's side: a link shows one of the owner's albums or a set of the
// owner's assets — a link naming anything else (another user's album or asset, a trashed asset) is not found as
// a whole, so nothing of another user is ever shared or revealed. The public side: every request looks the link
// up again, so expiry, revocation (deletion), the password and whether an asset still belongs to the link are
// decided on each one; unknown, expired and revoked links are all not found alike. The routes read bodies and
// cookies and write JSON; password hashing and the guessing brake are auth's (PasswordGuard).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/album_records.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {
class Storage;
}
namespace obscura::auth {
class PasswordGuard;
}

namespace obscura::images {

inline constexpr std::size_t kMaxLinkAssets = 1000;
inline constexpr std::size_t kMaxLinkPasswordBytes = 1024;

// Exactly one of albumId and assetIds names what the link shows.
struct NewShareLink {
    std::optional<std::string> albumId;
    std::vector<std::string> assetIds;
    std::optional<std::string> expiresAt;  // RFC 3339 as given, with expiresAtUs
    std::optional<std::int64_t> expiresAtUs;
    std::optional<std::string> password;
    bool allowDownload = true;
};

class ShareLinkService {
public:
    ShareLinkService(storage::Storage& storage, auth::PasswordGuard& guard, const Clock& clock)
        : storage_(storage), guard_(guard), clock_(clock) {}

    // The rules for a new link, Invalid (422) when broken. The routes also call them while reading a body, so
    // that the first bad field decides the answer.
    static Status checkAssetCount(std::size_t count);
    Status checkExpiry(std::int64_t expiresAtUs) const;
    static Status checkPassword(const std::string& password);

    // The owner's side.
    // The new link, its key included. Existence and ownership (NotFound) are decided before the password is
    // hashed, and again in the transaction that writes the link.
    Expected<storage::SharedLinkRecord> create(const std::string& ownerId, const NewShareLink& link);
    // Newest first.
    Expected<std::vector<storage::SharedLinkRecord>> list(const std::string& ownerId);
    // NotFound unless the owner has a link with this id.
    Status revoke(const std::string& ownerId, const std::string& linkId);

    // The public side.
    // The live link with this key, NotFound when unknown, expired or revoked; its password is not considered.
    Expected<storage::SharedLinkRecord> find(const std::string& key);
    // The live link, open to a request that carries `unlockCookie`: Unauthenticated (password_required) while
    // the link has a password and the cookie is not the link's unlock token.
    Expected<storage::SharedLinkRecord> open(const std::string& key, const std::optional<std::string>& unlockCookie);
    // RateLimited while guesses at this link or from this client are braked. Called before a password is read.
    Status throttle(const storage::SharedLinkRecord& link, const std::string& clientIp);
    // The unlock cookie's value when `password` is the link's (counted as a success), else Unauthenticated
    // (password_required, counted as a failed guess).
    Expected<std::string> unlock(const storage::SharedLinkRecord& link, const std::string& password,
                                 const std::string& clientIp);
    // The album an album link shows (NotFound once it is gone); nullopt for an asset-set link.
    Expected<std::optional<storage::AlbumView>> album(const storage::SharedLinkRecord& link);
    // What the link shows now: its assets outside the trash, newest first.
    Expected<std::vector<storage::AssetRecord>> assets(const storage::SharedLinkRecord& link);
    // The link's asset `assetId`: NotFound unless the link (still) shows it and it is not in the trash.
    Expected<storage::AssetRecord> asset(const storage::SharedLinkRecord& link, const std::string& assetId);
    // Forbidden when the link does not allow downloading originals.
    static Status checkDownload(const storage::SharedLinkRecord& link);

private:
    storage::Storage& storage_;
    auth::PasswordGuard& guard_;
    const Clock& clock_;
};

}  // namespace obscura::images
