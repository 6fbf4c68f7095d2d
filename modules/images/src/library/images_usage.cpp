#include "library/images_usage.hpp"

#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

Expected<auth::Usage> ImagesUsage::usage(const std::string& userId) {
    storage::AssetUsage figures;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.images().usage(userId, utcMonth(clock_.nowUs())));
        figures = found;
        return {};
    }));
    auth::Usage usage;
    usage.assets = figures.assets;
    usage.images = figures.images;
    usage.videos = figures.videos;
    usage.bytesOriginals = figures.bytesOriginals;
    usage.bytesDerived = figures.bytesDerived;
    usage.bandwidthBytesThisMonth = figures.bandwidthBytesThisMonth;
    return usage;
}

}  // namespace obscura::images
