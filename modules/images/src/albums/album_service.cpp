#include "albums/album_service.hpp"

#include <algorithm>

#include "assets/asset_text.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

const char* errorName(storage::AlbumAssetChange change) {
    switch (change) {
        case storage::AlbumAssetChange::Done:
            return nullptr;
        case storage::AlbumAssetChange::Duplicate:
            return "duplicate";
        case storage::AlbumAssetChange::NotFound:
            break;
    }
    return "not_found";
}

// The parent must be another of the owner's albums (422 unknown_parent, also for someone else's: nothing about
// it is revealed), not the album itself nor one of its descendants (409 album_cycle), and not too deep.
Status checkParent(storage::Repositories& repos, const std::string& ownerId, const std::string* albumId,
                   const std::string& parentId) {
    const Error unknown(ErrorCode::Invalid, "parentId must be one of your albums", "unknown_parent");
    if (!isUuid(parentId)) return unknown;
    OBSCURA_TRY(parent, repos.albums().findAlbum(ownerId, parentId));
    if (!parent) return unknown;
    OBSCURA_TRY(chain, repos.albumSharing().albumChain(parentId));
    if (albumId != nullptr && std::find(chain.begin(), chain.end(), *albumId) != chain.end())
        return Error(ErrorCode::Conflict, "an album cannot be nested inside itself or its own sub-albums",
                     "album_cycle");
    if (chain.size() >= kMaxAlbumDepth)
        return Error(ErrorCode::Invalid, "albums nest at most " + std::to_string(kMaxAlbumDepth) + " deep", "too_deep");
    return {};
}

}  // namespace

Status AlbumService::checkName(const std::string& name) {
    if (name.empty()) return invalid("albumName must not be empty");
    return checkTitle(name);
}

Status AlbumService::checkDescription(const std::string& description) { return images::checkDescription(description); }

Expected<storage::AlbumView> AlbumService::create(const std::string& ownerId, const NewAlbum& input) {
    OBSCURA_TRY_STATUS(checkName(input.name));
    OBSCURA_TRY_STATUS(checkDescription(input.description));
    const auto nowUs = clock_.nowUs();
    storage::AlbumRecord album;
    album.id = newUuid();
    album.ownerId = ownerId;
    album.name = input.name;
    album.description = input.description;
    album.createdAt = formatRfc3339(nowUs);
    album.createdAtUs = nowUs;
    album.updatedAt = album.createdAt;
    album.parentId = input.parentId;
    auto write = [&](storage::Repositories& repos) -> Expected<std::optional<storage::AlbumView>> {
        if (input.parentId) OBSCURA_TRY_STATUS(checkParent(repos, ownerId, nullptr, *input.parentId));
        OBSCURA_TRY_STATUS(repos.albums().createAlbum(album));
        if (!input.assetIds.empty())
            OBSCURA_TRY_STATUS(
                repos.albums().addAlbumAssets(album.ownerId, album.id, input.assetIds, nowUs, album.updatedAt));
        return repos.albums().findAlbum(album.ownerId, album.id);
    };
    OBSCURA_TRY(created, inTransaction(storage_, write));
    if (!created) return internalError("the new album vanished");
    return std::move(*created);
}

Expected<std::vector<storage::AlbumView>> AlbumService::list(const std::string& ownerId) {
    return withRepos(storage_, [&](storage::Repositories& repos) { return repos.albums().listAlbums(ownerId); });
}

Expected<storage::AlbumView> AlbumService::owned(const std::string& ownerId, const std::string& id) {
    return ownedAlbum(storage_, ownerId, id);
}

Expected<std::vector<storage::AssetRecord>> AlbumService::assets(const std::string& ownerId,
                                                                 const std::string& albumId) {
    return albumAssets(storage_, ownerId, albumId);
}

Expected<storage::AlbumView> AlbumService::update(const storage::AlbumView& album, storage::AlbumUpdate update) {
    const std::string& ownerId = album.album.ownerId;
    const std::string& albumId = album.album.id;
    if (update.name) OBSCURA_TRY_STATUS(checkName(*update.name));
    if (update.description) OBSCURA_TRY_STATUS(checkDescription(*update.description));
    update.updatedAt = formatRfc3339(clock_.nowUs());
    auto write = [&](storage::Repositories& repos) -> Expected<std::optional<storage::AlbumView>> {
        if (update.thumbnailAssetId && *update.thumbnailAssetId) {
            const auto& coverId = **update.thumbnailAssetId;
            OBSCURA_TRY(inAlbum, repos.albums().albumHasAsset(ownerId, albumId, coverId));
            if (!inAlbum) return invalid("albumThumbnailAssetId must be an asset of this album");
        }
        if (update.parentId && *update.parentId)
            OBSCURA_TRY_STATUS(checkParent(repos, ownerId, &albumId, **update.parentId));
        OBSCURA_TRY(written, repos.albums().updateAlbum(ownerId, albumId, update));
        if (written == storage::AssetWrite::NotFound) return notFound("album not found");
        return repos.albums().findAlbum(ownerId, albumId);
    };
    OBSCURA_TRY(updated, inTransaction(storage_, write));
    if (!updated) return notFound("album not found");
    return std::move(*updated);
}

Status AlbumService::remove(const std::string& ownerId, const std::string& albumId) {
    if (!isUuid(albumId)) return notFound("album not found");
    OBSCURA_TRY(deleted, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.albums().deleteAlbum(ownerId, albumId);
                }));
    if (!deleted) return notFound("album not found");
    return {};
}

Expected<std::vector<AlbumAssetOutcome>> AlbumService::addAssets(const storage::AlbumView& album,
                                                                 const std::vector<std::string>& ids) {
    return changeAssets(album, ids, true);
}

Expected<std::vector<AlbumAssetOutcome>> AlbumService::removeAssets(const storage::AlbumView& album,
                                                                    const std::vector<std::string>& ids) {
    return changeAssets(album, ids, false);
}

Expected<std::vector<AlbumAssetOutcome>> AlbumService::changeAssetsAs(const AlbumGrant& grant,
                                                                      const std::string& callerId,
                                                                      const std::vector<std::string>& ids, bool add) {
    OBSCURA_TRY_STATUS(requireEditor(grant));
    if (grant.role == storage::AlbumRole::Owner) return changeAssets(grant.album, ids, add);
    return changeAssets(grant.album, ids, add, &callerId);
}

Expected<std::vector<storage::AssetRecord>> AlbumService::memberAssets(const std::string& albumId) {
    std::vector<storage::AssetRecord> out;
    std::optional<storage::AssetCursor> after;
    constexpr int kPage = 500;  // page by page, so no query is unbounded
    for (;;) {
        OBSCURA_TRY(page, withRepos(storage_, [&](storage::Repositories& repos) {
                        return repos.albumSharing().listAlbumAssets(albumId, after, kPage);
                    }));
        const bool more = page.size() == static_cast<std::size_t>(kPage);
        for (auto& asset : page) out.push_back(std::move(asset));
        if (!more) break;
        after = storage::AssetCursor{out.back().takenAtUs, out.back().id};
    }
    return out;
}

Expected<std::vector<AlbumAssetOutcome>> AlbumService::changeAssets(const storage::AlbumView& album,
                                                                    const std::vector<std::string>& ids, bool add,
                                                                    const std::string* member) {
    const std::string& ownerId = album.album.ownerId;
    const std::string& albumId = album.album.id;
    // Ids that are not UUIDs name nothing; they are answered without reaching the database.
    std::vector<std::string> valid;
    for (const auto& id : ids)
        if (isUuid(id)) valid.push_back(id);
    const auto nowUs = clock_.nowUs();
    const auto updatedAt = formatRfc3339(nowUs);
    auto write = [&](storage::Repositories& repos) -> Expected<std::vector<storage::AlbumAssetChange>> {
        if (valid.empty()) return std::vector<storage::AlbumAssetChange>{};
        if (member != nullptr && add)
            return repos.albumSharing().addOwnAssets(*member, albumId, valid, nowUs, updatedAt);
        if (member != nullptr) return repos.albumSharing().removeOwnAssets(*member, albumId, valid, updatedAt);
        if (add) return repos.albums().addAlbumAssets(ownerId, albumId, valid, nowUs, updatedAt);
        return repos.albums().removeAlbumAssets(ownerId, albumId, valid, updatedAt);
    };
    OBSCURA_TRY(changes, inTransaction(storage_, write));
    std::vector<AlbumAssetOutcome> outcomes;
    outcomes.reserve(ids.size());
    std::size_t next = 0;
    for (const auto& id : ids) {
        const char* error = "not_found";
        if (isUuid(id) && next < changes.size()) error = errorName(changes[next++]);
        outcomes.push_back({id, error});
    }
    return outcomes;
}

Expected<storage::AlbumView> ownedAlbum(storage::Storage& storage, const std::string& ownerId, const std::string& id) {
    if (!isUuid(id)) return notFound("album not found");
    OBSCURA_TRY(
        found, withRepos(storage, [&](storage::Repositories& repos) { return repos.albums().findAlbum(ownerId, id); }));
    if (!found) return notFound("album not found");
    return std::move(*found);
}

Expected<std::vector<storage::AssetRecord>> albumAssets(storage::Storage& storage, const std::string& ownerId,
                                                        const std::string& albumId) {
    storage::AssetQuery query;
    query.filter.ownerId = ownerId;
    query.filter.albumId = albumId;
    query.filter.archived.reset();
    query.limit = 500;
    return allPagesOf(storage, std::move(query));
}

Expected<std::vector<storage::AssetRecord>> allPagesOf(storage::Storage& storage, storage::AssetQuery query) {
    std::vector<storage::AssetRecord> out;
    // Keyset pages to the end, page by page so no query is unbounded.
    for (;;) {
        OBSCURA_TRY(page,
                    withRepos(storage, [&](storage::Repositories& repos) { return repos.images().listAssets(query); }));
        for (auto& asset : page.items) out.push_back(std::move(asset));
        if (!page.hasMore || out.empty()) break;
        query.after = storage::AssetCursor{out.back().takenAtUs, out.back().id};
    }
    return out;
}

}  // namespace obscura::images
