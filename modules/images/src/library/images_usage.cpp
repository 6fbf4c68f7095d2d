#include "library/images_usage.hpp"

#include "obscura/base/clock.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

Expected<auth::Usage> ImagesUsage::usage(const std::string& userId) {
    OBSCURA_TRY(figures, withRepos(storage_, [&](storage::Repositories& repos) {
                    return repos.images().usage(userId, utcMonth(clock_.nowUs()));
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
