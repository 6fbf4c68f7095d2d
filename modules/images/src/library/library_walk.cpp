#include "library/library_walk.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "library/library_layout.hpp"

namespace obscura::images {

namespace fs = std::filesystem;

std::int64_t lastTouched(const struct stat& st) { return std::max<std::int64_t>(st.st_mtim.tv_sec, st.st_ctim.tv_sec); }

Status walkLibrary(const std::string& dataDir, const LibraryFileFn& fn, const std::atomic<bool>* stop) {
    const fs::path root = fs::path(dataDir) / kLibraryDir;
    std::error_code ec;
    if (!fs::exists(root, ec)) return {};
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    if (ec) return unavailable("cannot read " + root.string() + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) return unavailable("cannot read " + root.string() + ": " + ec.message());
        if (stop && stop->load()) return {};
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0) {
            if (errno == ENOENT) continue;  // removed while we walked (a deletion job)
            return unavailable("cannot stat " + it->path().string() + ": " + std::strerror(errno));
        }
        if (S_ISDIR(st.st_mode)) continue;
        const std::string relative = std::string(kLibraryDir) + "/" + it->path().lexically_relative(root).string();
        OBSCURA_TRY_STATUS(fn(relative, st));
    }
    if (ec) return unavailable("cannot read " + root.string() + ": " + ec.message());
    return {};
}

}  // namespace obscura::images
