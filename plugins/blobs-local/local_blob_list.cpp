// LocalBlobStore::list and removePrefix: the folders walked in key order, so that a continuation (the last key
// answered) resumes without re-reading what came before it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "local_blob_store.hpp"
#include "local_file_ops.hpp"

namespace obscura::blobs::local {

namespace {

// Not blobs, though they live in the data dir: uploads in progress, media's outputs before their put, fsck's
// quarantine.
bool hiddenTopFolder(std::string_view name) { return name == "tmp" || name == "work" || name == "lost+found"; }

struct Walk {
    std::string_view prefix;
    const std::string& after;  // continuation: only keys greater than this
    std::size_t limit;
    BlobPage page;
    bool full = false;
};

struct Child {
    std::string sortKey;  // the name, with "/" after a folder's: keys sort by bytes, and '/' sorts after '.'
    std::string name;
    bool folder = false;
    struct stat st {};
};

// True when a key under `folderKey + "/"` could still be wanted: it can match the prefix and is not wholly
// at or before the continuation.
bool folderWanted(const std::string& below, const Walk& walk) {
    const bool prefixOk = below.rfind(walk.prefix, 0) == 0 || walk.prefix.rfind(below, 0) == 0;
    if (!prefixOk) return false;
    if (walk.after.empty() || walk.after.rfind(below, 0) == 0) return true;
    return below > walk.after;
}

Status walkFolder(const std::string& dir, const std::string& keyPrefix, Walk& walk) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
        if (errno == ENOENT || errno == ENOTDIR) return {};
        return fileError(errno, "cannot list " + dir);
    }
    std::vector<Child> children;
    while (dirent* entry = ::readdir(d)) {
        const std::string_view name = entry->d_name;
        if (name.empty() || name.front() == '.') continue;  // ".", "..", and writers' dot-files
        Child child;
        child.name = std::string(name);
        if (::fstatat(::dirfd(d), entry->d_name, &child.st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
        child.folder = S_ISDIR(child.st.st_mode);
        if (!child.folder && !S_ISREG(child.st.st_mode)) continue;
        if (keyPrefix.empty() && (!child.folder || hiddenTopFolder(name))) continue;
        child.sortKey = child.name + (child.folder ? "/" : "");
        children.push_back(std::move(child));
    }
    ::closedir(d);
    std::sort(children.begin(), children.end(), [](const Child& a, const Child& b) { return a.sortKey < b.sortKey; });
    for (const auto& child : children) {
        if (walk.full) return {};
        const std::string key = keyPrefix + child.name;
        if (child.folder) {
            if (!folderWanted(key + "/", walk)) continue;
            OBSCURA_TRY_STATUS(walkFolder(dir + "/" + child.name, key + "/", walk));
            continue;
        }
        if (key.rfind(walk.prefix, 0) != 0 || (!walk.after.empty() && key <= walk.after)) continue;
        if (walk.page.entries.size() == walk.limit) {
            walk.full = true;
            walk.page.next = walk.page.entries.back().key;
            return {};
        }
        // Written or renamed into place: an upload's file keeps the time it was written, the rename is its arrival.
        walk.page.entries.push_back(
            BlobEntry{key, static_cast<std::uint64_t>(child.st.st_size),
                      static_cast<std::int64_t>(std::max(child.st.st_mtim.tv_sec, child.st.st_ctim.tv_sec))});
    }
    return {};
}

}  // namespace

Expected<BlobPage> LocalBlobStore::list(std::string_view prefix, const std::string& continuation, std::size_t limit) {
    OBSCURA_TRY_STATUS(validatePrefix(prefix));
    if (limit == 0 || limit > 1000) return invalid("list limit must be 1 to 1000");
    // Start at the deepest folder the prefix names in full: "library/u1/2024/0" walks library/u1/2024/ only.
    const auto slash = prefix.find_last_of('/');
    const std::string folderKey =
        slash == std::string_view::npos ? std::string() : std::string(prefix.substr(0, slash + 1));
    Walk walk{prefix, continuation, limit, {}, false};
    if (!folderKey.empty() && hiddenTopFolder(folderKey.substr(0, folderKey.find('/')))) return walk.page;
    const std::string dir = folderKey.empty() ? root_ : root_ + "/" + folderKey.substr(0, folderKey.size() - 1);
    OBSCURA_TRY_STATUS(walkFolder(dir, folderKey, walk));
    return std::move(walk.page);
}

Status LocalBlobStore::removePrefix(std::string_view prefix) {
    OBSCURA_TRY_STATUS(validatePrefix(prefix));
    if (prefix.empty()) return invalid("refusing to remove every blob (empty prefix)");
    if (prefix.back() == '/') {
        // A whole folder (a user's library, an asset's derivatives): one remove_all, then its parent made durable.
        const std::string dir = pathOf(prefix.substr(0, prefix.size() - 1));
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
        if (ec && ec != std::errc::no_such_file_or_directory) {
            return fileError(ec.value(), "cannot remove " + dir);
        }
        const int rc = fsyncPath(parentOf(dir), true);
        if (rc != 0 && rc != ENOENT) return fileError(rc, "cannot sync " + parentOf(dir));
        return {};
    }
    for (;;) {
        OBSCURA_TRY(page, list(prefix, {}, 1000));
        for (const auto& entry : page.entries) OBSCURA_TRY_STATUS(remove(entry.key));
        if (page.next.empty()) return {};
    }
}

}  // namespace obscura::blobs::local
