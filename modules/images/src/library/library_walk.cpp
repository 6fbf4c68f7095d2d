#include "library/library_walk.hpp"

#include <algorithm>

#include "library/library_layout.hpp"

namespace obscura::images {

std::int64_t lastTouched(const struct stat& st) { return std::max<std::int64_t>(st.st_mtim.tv_sec, st.st_ctim.tv_sec); }

Status walkLibrary(blobs::BlobStore& blobs, const LibraryBlobFn& fn, const std::atomic<bool>* stop) {
    const std::string prefix = std::string(kLibraryDir) + "/";
    std::string next;
    do {
        if (stop && stop->load()) return {};
        auto page = blobs.list(prefix, next, 1000);
        if (!page) return Error(page.error().code, "cannot list the library: " + page.error().message);
        for (const auto& entry : page->entries) {
            if (stop && stop->load()) return {};
            OBSCURA_TRY_STATUS(fn(entry));
        }
        next = std::move(page->next);
    } while (!next.empty());
    return {};
}

}  // namespace obscura::images
