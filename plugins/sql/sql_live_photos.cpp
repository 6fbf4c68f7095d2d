// Live photos (issue 23): finding a still's or a video's partner and pairing them. Written once for both backends.
#include "sql_asset_rows.hpp"
#include "sql_atomic.hpp"
#include "sql_images_repository.hpp"

namespace obscura::sql {

Expected<std::optional<storage::AssetRecord>> SqlImagesRepository::findLivePartner(const storage::AssetRecord& asset,
                                                                                   std::int64_t windowUs) {
    if (!asset.liveContentId && !asset.liveBaseName) return std::optional<storage::AssetRecord>{};
    return guarded(s_, "find live photo partner", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        // The partner is of the other kind and not paired yet: an unpaired still names no video, an unpaired
        // video is not hidden.
        const bool isVideo = asset.type == "video";
        const std::string unpaired = isVideo ? " AND a.type = 'image' AND a.live_photo_video_id IS NULL"
                                             : " AND a.type = 'video' AND a.is_hidden = 0";
        const std::string base = "SELECT " + std::string(kAssetColumns) +
                                 " FROM assets AS a WHERE a.owner_id = ? AND a.is_trashed = 0 AND a.id <> ?" + unpaired;
        if (asset.liveContentId) {
            auto stmt = s_.prepare(base + " AND a.live_content_id = ? ORDER BY a.id");
            auto rows = stmt.bind(asset.ownerId, asset.id, *asset.liveContentId).query();
            if (rows.next()) return std::optional<storage::AssetRecord>(readAssetRow(rows));
        }
        if (!asset.liveBaseName) return std::optional<storage::AssetRecord>{};
        // By name and time: only where the two do not carry different identifiers.
        const std::string noOtherId = asset.liveContentId ? " AND a.live_content_id IS NULL" : "";
        auto stmt = s_.prepare(base + noOtherId +
                               " AND a.live_base_name = ? AND a.taken_at_us >= ? AND a.taken_at_us <= ? ORDER BY a.id");
        auto rows = stmt.bind(asset.ownerId, asset.id, *asset.liveBaseName, asset.takenAtUs - windowUs,
                              asset.takenAtUs + windowUs)
                        .query();
        if (rows.next()) return std::optional<storage::AssetRecord>(readAssetRow(rows));
        return std::optional<storage::AssetRecord>{};
    });
}

Status SqlImagesRepository::linkLivePhoto(const std::string& ownerId, const std::string& stillId,
                                          const std::string& videoId) {
    return guarded(s_, "link live photo", [&]() -> Status {
        return atomically(s_, [&]() -> Status {
            // Both rows locked, the video first (every caller's order), and their current state decides: two uploads
            // pairing at once never give one video two stills or one still two videos.
            const std::string forUpdate(s_.dialect().forUpdate);
            bool hidden = false, videoTrashed = false;
            std::optional<std::string> current;  // the still's video
            // Each result is read and released before the next statement.
            {
                auto video = s_.prepare(
                    "SELECT is_hidden, is_trashed FROM assets WHERE id = ? AND owner_id = ? AND type = 'video'" +
                    forUpdate);
                auto rows = video.bind(videoId, ownerId).query();
                if (!rows.next()) return Error(ErrorCode::NotFound, "no such video");
                hidden = rows.boolean(0);
                videoTrashed = rows.boolean(1);
            }
            {
                auto still = s_.prepare(
                    "SELECT live_photo_video_id FROM assets WHERE id = ? AND owner_id = ? AND type = 'image'" +
                    forUpdate);
                auto rows = still.bind(stillId, ownerId).query();
                if (!rows.next()) return Error(ErrorCode::NotFound, "no such still");
                current = rows.optionalText(0);
            }
            if (current == videoId && hidden) return {};  // paired already (the other upload got there first)
            if (current || hidden) return Error(ErrorCode::Conflict, "already part of another live photo");
            s_.prepare("UPDATE assets SET is_hidden = 1 WHERE id = ?").bind(videoId).execute();
            s_.prepare("UPDATE assets SET live_photo_video_id = ? WHERE id = ?").bind(videoId, stillId).execute();
            if (!videoTrashed) {  // the statistics count the pair once, as its still
                UsageDelta d;
                d.liveVideos = -1;
                addUsage(s_, ownerId, d);
            }
            bumpLibraryVersion(s_, ownerId);
            return {};
        });
    });
}

}  // namespace obscura::sql
