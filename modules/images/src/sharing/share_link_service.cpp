#include "sharing/share_link_service.hpp"

#include <algorithm>

#include "albums/album_service.hpp"
#include "obscura/auth/password_guard.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "sharing/link_secrets.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxKeyLength = 64;

Error linkNotFound() { return notFound("share link not found"); }

Error passwordRequired(std::string message) {
    return Error(ErrorCode::Unauthenticated, std::move(message), "password_required");
}

// Every id names one of the owner's assets outside the trash (NotFound naming the first that does not).
Status checkAssets(storage::Repositories& repos, const std::string& owner, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
        if (!isUuid(id)) return notFound("asset not found: " + id);
        OBSCURA_TRY(asset, repos.images().findAsset(owner, id));
        if (!asset || asset->isTrashed) return notFound("asset not found: " + id);
    }
    return {};
}

}  // namespace

Status ShareLinkService::checkAssetCount(std::size_t count) {
    if (count == 0) return invalid("assetIds must name at least one asset");
    if (count > kMaxLinkAssets)
        return invalid("a share link may show at most " + std::to_string(kMaxLinkAssets) + " assets");
    return {};
}

Status ShareLinkService::checkExpiry(std::int64_t expiresAtUs) const {
    if (expiresAtUs <= clock_.nowUs()) return invalid("expiresAt must be in the future");
    return {};
}

Status ShareLinkService::checkPassword(const std::string& password) {
    if (password.empty()) return invalid("password must not be empty (leave it out for a link without one)");
    if (password.size() > kMaxLinkPasswordBytes) return invalid("password is too long");
    return {};
}

Expected<storage::SharedLinkRecord> ShareLinkService::create(const std::string& ownerId, const NewShareLink& input) {
    if (input.albumId.has_value() == !input.assetIds.empty())
        return badRequest("a share link needs either albumId or assetIds");
    if (!input.albumId) OBSCURA_TRY_STATUS(checkAssetCount(input.assetIds.size()));
    if (input.expiresAtUs) OBSCURA_TRY_STATUS(checkExpiry(*input.expiresAtUs));
    if (input.password) OBSCURA_TRY_STATUS(checkPassword(*input.password));
    storage::SharedLinkRecord link;
    // Existence and ownership (404) come before the password is hashed.
    if (input.albumId) {
        OBSCURA_TRY(album, ownedAlbum(storage_, ownerId, *input.albumId));
        link.albumId = album.album.id;
    } else {
        OBSCURA_TRY_STATUS(
            storage_.run([&](storage::Repositories& repos) { return checkAssets(repos, ownerId, input.assetIds); }));
        link.assetIds = input.assetIds;
    }
    if (input.password) {
        OBSCURA_TRY(hash, guard_.hash(*input.password));
        link.passwordHash = std::move(hash);
    }
    const auto nowUs = clock_.nowUs();
    link.id = newUuid();
    link.ownerId = ownerId;
    link.key = newLinkKey();
    link.keyHash = linkKeyHash(link.key);
    link.expiresAt = input.expiresAt;
    link.expiresAtUs = input.expiresAtUs;
    link.allowDownload = input.allowDownload;
    link.createdAt = formatRfc3339(nowUs);
    link.createdAtUs = nowUs;
    // Checked again in the transaction that writes the link: an asset or album deleted meanwhile is 404, not a
    // broken reference.
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        if (link.albumId) {
            OBSCURA_TRY(album, repos.albums().findAlbum(ownerId, *link.albumId));
            if (!album) return notFound("album not found");
        }
        OBSCURA_TRY_STATUS(checkAssets(repos, ownerId, link.assetIds));
        return repos.sharedLinks().createSharedLink(link);
    }));
    std::sort(link.assetIds.begin(), link.assetIds.end());
    link.assetIds.erase(std::unique(link.assetIds.begin(), link.assetIds.end()), link.assetIds.end());
    return link;
}

Expected<std::vector<storage::SharedLinkRecord>> ShareLinkService::list(const std::string& ownerId) {
    return withRepos(storage_,
                     [&](storage::Repositories& repos) { return repos.sharedLinks().listSharedLinks(ownerId); });
}

Status ShareLinkService::revoke(const std::string& ownerId, const std::string& linkId) {
    if (!isUuid(linkId)) return linkNotFound();
    OBSCURA_TRY(deleted, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.sharedLinks().deleteSharedLink(ownerId, linkId);
                }));
    if (!deleted) return linkNotFound();
    return {};
}

Expected<storage::SharedLinkRecord> ShareLinkService::find(const std::string& key) {
    if (key.empty() || key.size() > kMaxKeyLength) return linkNotFound();
    OBSCURA_TRY(found, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.sharedLinks().findSharedLinkByKeyHash(linkKeyHash(key));
                }));
    // The hash matched; comparing the keys themselves (in constant time) guards against a hash collision.
    if (!found || !equalSecrets(found->key, key)) return linkNotFound();
    if (found->expiresAtUs && *found->expiresAtUs <= clock_.nowUs()) return linkNotFound();
    return std::move(*found);
}

Expected<storage::SharedLinkRecord> ShareLinkService::open(const std::string& key,
                                                           const std::optional<std::string>& unlockCookie) {
    OBSCURA_TRY(link, find(key));
    if (!link.passwordHash) return link;
    if (unlockCookie && equalSecrets(*unlockCookie, unlockToken(link.id, *link.passwordHash))) return link;
    return passwordRequired("this share link needs its password");
}

Status ShareLinkService::throttle(const storage::SharedLinkRecord& link, const std::string& clientIp) {
    return guard_.check(link.id, clientIp);
}

Expected<std::string> ShareLinkService::unlock(const storage::SharedLinkRecord& link, const std::string& password,
                                               const std::string& clientIp) {
    if (!link.passwordHash) return internalError("this share link has no password");
    OBSCURA_TRY(matches, guard_.verify(*link.passwordHash, password));
    if (!matches) {
        guard_.failed(link.id, clientIp);
        return passwordRequired("wrong password for this share link");
    }
    guard_.succeeded(link.id);
    return unlockToken(link.id, *link.passwordHash);
}

Expected<std::optional<storage::AlbumView>> ShareLinkService::album(const storage::SharedLinkRecord& link) {
    if (!link.albumId) return std::optional<storage::AlbumView>();
    OBSCURA_TRY(album, ownedAlbum(storage_, link.ownerId, *link.albumId));
    return std::optional<storage::AlbumView>(std::move(album));
}

Expected<std::vector<storage::AssetRecord>> ShareLinkService::assets(const storage::SharedLinkRecord& link) {
    if (link.albumId) return albumAssets(storage_, link.ownerId, *link.albumId);
    storage::AssetQuery query;
    query.filter.ownerId = link.ownerId;
    query.filter.sharedLinkId = link.id;
    query.filter.archived.reset();
    query.limit = 500;  // a link holds at most 1000 assets: two pages
    return allPagesOf(storage_, std::move(query));
}

Expected<storage::AssetRecord> ShareLinkService::asset(const storage::SharedLinkRecord& link,
                                                       const std::string& assetId) {
    if (!isUuid(assetId)) return notFound("asset not found");
    auto read = [&](storage::Repositories& repos) -> Expected<std::optional<storage::AssetRecord>> {
        OBSCURA_TRY(shown, repos.sharedLinks().sharedLinkHasAsset(link.id, assetId));
        if (!shown) return std::optional<storage::AssetRecord>();
        return repos.images().findAsset(link.ownerId, assetId);
    };
    OBSCURA_TRY(found, withRepos(storage_, read));
    if (!found || found->isTrashed) return notFound("asset not found");
    return std::move(*found);
}

Status ShareLinkService::checkDownload(const storage::SharedLinkRecord& link) {
    if (!link.allowDownload) return Error(ErrorCode::Forbidden, "this share link does not allow downloads");
    return {};
}

}  // namespace obscura::images
