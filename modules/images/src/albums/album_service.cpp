#include "albums/album_service.hpp"

#include "assets/asset_text.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/storage/storage.hpp"
#include "obscura/base/rfc3339.hpp"

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
    std::optional<storage::AlbumView> created;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY_STATUS(repos.albums().createAlbum(album));
        if (!input.assetIds.empty())
            OBSCURA_TRY_STATUS(
                repos.albums().addAlbumAssets(album.ownerId, album.id, input.assetIds, nowUs, album.updatedAt));
        OBSCURA_TRY(found, repos.albums().findAlbum(album.ownerId, album.id));
        created = std::move(found);
        return {};
    }));
    if (!created) return internalError("the new album vanished");
    return std::move(*created);
}

Expected<std::vector<storage::AlbumView>> AlbumService::list(const std::string& ownerId) {
    std::vector<storage::AlbumView> albums;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.albums().listAlbums(ownerId));
        albums = std::move(found);
        return {};
    }));
    return albums;
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
    std::optional<storage::AlbumView> updated;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        if (update.thumbnailAssetId && *update.thumbnailAssetId) {
            const auto& coverId = **update.thumbnailAssetId;
            OBSCURA_TRY(inAlbum, repos.albums().albumHasAsset(ownerId, albumId, coverId));
            if (!inAlbum) return invalid("albumThumbnailAssetId must be an asset of this album");
        }
        OBSCURA_TRY(write, repos.albums().updateAlbum(ownerId, albumId, update));
        if (write == storage::AssetWrite::NotFound) return notFound("album not found");
        OBSCURA_TRY(found, repos.albums().findAlbum(ownerId, albumId));
        updated = std::move(found);
        return {};
    }));
    if (!updated) return notFound("album not found");
    return std::move(*updated);
}

Status AlbumService::remove(const std::string& ownerId, const std::string& albumId) {
    if (!isUuid(albumId)) return notFound("album not found");
    bool deleted = false;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(done, repos.albums().deleteAlbum(ownerId, albumId));
        deleted = done;
        return {};
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

Expected<std::vector<AlbumAssetOutcome>> AlbumService::changeAssets(const storage::AlbumView& album,
                                                                    const std::vector<std::string>& ids, bool add) {
    const std::string& ownerId = album.album.ownerId;
    const std::string& albumId = album.album.id;
    // Ids that are not UUIDs name nothing; they are answered without reaching the database.
    std::vector<std::string> valid;
    for (const auto& id : ids)
        if (isUuid(id)) valid.push_back(id);
    const auto nowUs = clock_.nowUs();
    const auto updatedAt = formatRfc3339(nowUs);
    std::vector<storage::AlbumAssetChange> changes;
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        if (valid.empty()) return {};
        if (add) {
            OBSCURA_TRY(done, repos.albums().addAlbumAssets(ownerId, albumId, valid, nowUs, updatedAt));
            changes = std::move(done);
        } else {
            OBSCURA_TRY(done, repos.albums().removeAlbumAssets(ownerId, albumId, valid, updatedAt));
            changes = std::move(done);
        }
        return {};
    }));
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
    std::optional<storage::AlbumView> found;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(album, repos.albums().findAlbum(ownerId, id));
        found = std::move(album);
        return {};
    }));
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
        storage::AssetPage page;
        OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(found, repos.images().listAssets(query));
            page = std::move(found);
            return {};
        }));
        for (auto& asset : page.items) out.push_back(std::move(asset));
        if (!page.hasMore || out.empty()) break;
        query.after = storage::AssetCursor{out.back().takenAtUs, out.back().id};
    }
    return out;
}

}  // namespace obscura::images
