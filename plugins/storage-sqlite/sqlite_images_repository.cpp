#include "sqlite_images_repository.hpp"

#include "sqlite_errors.hpp"

namespace obscura::sqlite {

Expected<storage::AssetCounts> SqliteImagesRepository::countAssets(const std::string& ownerId) {
    return guarded("count assets", [&]() -> Expected<storage::AssetCounts> {
        // Served by the leading (owner_id, is_trashed) columns of assets_timeline.
        auto stmt = connection_.prepare(
            "SELECT type, COUNT(*) FROM assets WHERE owner_id = ?1 AND is_trashed = 0 GROUP BY type");
        stmt.bind(1, ownerId);
        storage::AssetCounts counts;
        while (stmt.step()) {
            const std::string type = stmt.text(0);
            if (type == "image") {
                counts.images = stmt.int64(1);
            } else if (type == "video") {
                counts.videos = stmt.int64(1);
            }
        }
        return counts;
    });
}

}  // namespace obscura::sqlite
