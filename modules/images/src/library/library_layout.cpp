#include "library/library_layout.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include "library/library_walk.hpp"
#include "obscura/images/asset_source.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::images {

namespace fs = std::filesystem;

namespace {

// The newest time anything under `dir` (itself included) was touched; nullopt when it cannot be read, so an
// unreadable folder is never taken for an abandoned one.
std::optional<std::int64_t> newestTouch(const fs::path& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0) return std::nullopt;
    std::int64_t newest = lastTouched(st);
    if (!S_ISDIR(st.st_mode)) return newest;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
    if (ec) return std::nullopt;
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) return std::nullopt;
        if (::lstat(it->path().c_str(), &st) != 0) {
            if (errno == ENOENT) continue;  // finished and moved away meanwhile
            return std::nullopt;
        }
        newest = std::max(newest, lastTouched(st));
    }
    if (ec) return std::nullopt;
    return newest;
}

}  // namespace

std::string libraryPath(const std::string& ownerId, const std::string& assetId, std::string_view takenAt,
                        const MediaType& type) {
    // RFC 3339 starts "yyyy-mm-": the caller has validated it.
    const std::string year(takenAt.substr(0, 4));
    const std::string month(takenAt.substr(5, 2));
    return std::string(kLibraryDir) + "/" + ownerId + "/" + year + "/" + month + "/" + assetId +
           std::string(type.extensions.front());
}

std::string derivedPath(const std::string& ownerId, const std::string& assetId, std::string_view kind) {
    std::string_view file;
    if (kind == "thumbnail")
        file = kThumbnailFile;
    else if (kind == "preview")
        file = kPreviewFile;
    else if (kind == "video")
        file = kVideoFile;
    else
        return {};
    return std::string(kDerivedDir) + "/" + ownerId + "/" + assetId + "/" + std::string(file);
}

std::string_view derivedMimeType(std::string_view kind) {
    if (kind == "thumbnail") return "image/webp";
    if (kind == "preview") return "image/jpeg";
    if (kind == "video") return "video/mp4";
    return {};
}

std::string uploadTmpDir(const std::string& dataDir, bool exclusiveDatabase, const std::string& instanceId) {
    const std::string tmp = dataDir + "/" + kTmpDir;
    return exclusiveDatabase ? tmp : tmp + "/" + instanceId;
}

Expected<int> prepareInstanceTmp(const std::string& dataDir, const std::string& instanceId,
                                 std::chrono::seconds settle) {
    const fs::path tmp = fs::path(dataDir) / kTmpDir;
    const fs::path mine = tmp / instanceId;
    std::error_code ec;
    fs::create_directories(mine, ec);
    if (ec) return unavailable("cannot create " + mine.string() + ": " + ec.message());

    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    int removed = 0;
    for (const auto& entry : fs::directory_iterator(tmp, ec)) {
        if (entry.path() == mine) continue;
        // Loose files directly in tmp/ belong to no instance (the readiness probe's, an older version's):
        // they follow the same rule as folders.
        const auto newest = newestTouch(entry.path());
        if (!newest || now - *newest < settle.count()) continue;
        std::error_code rmEc;
        fs::remove_all(entry.path(), rmEc);
        if (rmEc) {
            log::warn("cannot remove the abandoned temp folder " + entry.path().string() + ": " + rmEc.message());
            continue;
        }
        log::info("removed " + entry.path().string() + ": another instance's writes, untouched for over " +
                  std::to_string(settle.count() / 60) + " minutes");
        ++removed;
    }
    if (ec) return unavailable("cannot list " + tmp.string() + ": " + ec.message());
    return removed;
}

}  // namespace obscura::images
