#include "local_blob_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "local_file_ops.hpp"

namespace obscura::blobs::local {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The tag the server always gave a served file: size and modification time to the nanosecond, so a file
// rewritten in place is new bytes to every cache.
BlobInfo infoOf(const struct stat& st) {
    BlobInfo info;
    info.size = static_cast<std::uint64_t>(st.st_size);
    info.etag = "\"" + std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                std::to_string(st.st_mtim.tv_nsec) + "\"";
    info.modifiedAt = static_cast<std::int64_t>(st.st_mtim.tv_sec);
    return info;
}

class FileReader final : public BlobReader {
public:
    FileReader(int fd, BlobInfo info, std::uint64_t offset, std::uint64_t length)
        : fd_(fd), info_(std::move(info)), position_(offset), remaining_(length) {}
    ~FileReader() override { ::close(fd_); }
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    const BlobInfo& info() const override { return info_; }
    std::uint64_t remaining() const override { return remaining_; }
    Expected<std::size_t> read(char* buffer, std::size_t capacity) override {
        if (remaining_ == 0 || capacity == 0) return std::size_t{0};
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, remaining_));
        for (;;) {
            const ssize_t n = ::pread(fd_, buffer, want, static_cast<off_t>(position_));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return internalError(std::string("reading a blob failed: ") + std::strerror(errno));
            // The file shrank under us (rewritten in place by something else): end early rather than loop.
            if (n == 0) {
                remaining_ = 0;
                return std::size_t{0};
            }
            position_ += static_cast<std::uint64_t>(n);
            remaining_ -= static_cast<std::uint64_t>(n);
            return static_cast<std::size_t>(n);
        }
    }

private:
    int fd_;
    BlobInfo info_;
    std::uint64_t position_;
    std::uint64_t remaining_;
};

}  // namespace

LocalBlobStore::LocalBlobStore(BlobStoreOptions options) : options_(std::move(options)), root_(options_.dataDir) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

void LocalBlobStore::observe(std::string_view op, bool ok, double seconds, std::uint64_t bytes) const {
    if (options_.observe) options_.observe(BlobOperation{op, ok, seconds, bytes});
}

Status LocalBlobStore::ping() {
    if (::access(root_.c_str(), W_OK | X_OK) != 0) {
        return unavailable("the data dir " + root_ + " is not writable: " + std::strerror(errno));
    }
    return {};
}

std::optional<std::string> LocalBlobStore::localPath(std::string_view key) const {
    if (!validateKey(key)) return std::nullopt;
    return pathOf(key);
}

Status LocalBlobStore::put(std::string_view key, const std::string& tempPath, const PutOptions&) {
    OBSCURA_TRY_STATUS(validateKey(key));
    const auto start = std::chrono::steady_clock::now();
    struct stat st {};
    if (::stat(tempPath.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return invalid("nothing to put at " + tempPath + ": not a regular file");
    }
    if (int rc = fsyncPath(tempPath, false)) return fileError(rc, "fsync of " + tempPath + " failed");

    const std::string target = pathOf(key);
    std::vector<std::string> created;
    const auto makeFolders = [&]() -> Status {
        for (std::size_t slash = key.find('/'); slash != std::string_view::npos; slash = key.find('/', slash + 1)) {
            const std::string dir = root_ + "/" + std::string(key.substr(0, slash));
            if (::mkdir(dir.c_str(), 0700) == 0) {
                created.push_back(dir);
            } else if (errno != EEXIST) {
                return fileError(errno, "cannot create " + dir);
            }
        }
        return {};
    };
    OBSCURA_TRY_STATUS(makeFolders());
    int rc = ::rename(tempPath.c_str(), target.c_str()) == 0 ? 0 : errno;
    if (rc == ENOENT && ::access(tempPath.c_str(), F_OK) == 0) {
        // A removePrefix took the folder between mkdir and rename: make it again, once.
        OBSCURA_TRY_STATUS(makeFolders());
        rc = ::rename(tempPath.c_str(), target.c_str()) == 0 ? 0 : errno;
    }
    if (rc == EXDEV) {
        // The temp file lives on another file system: copy beside the target, then rename (still atomic).
        const std::string beside = parentOf(target) + "/." + target.substr(target.find_last_of('/') + 1) + ".tmp-put";
        rc = copyFile(tempPath, beside);
        if (rc == 0) rc = ::rename(beside.c_str(), target.c_str()) == 0 ? 0 : errno;
        if (rc == 0) {
            ::unlink(tempPath.c_str());
        } else {
            ::unlink(beside.c_str());
        }
    }
    if (rc != 0) {
        observe("put", false, secondsSince(start), 0);
        return fileError(rc, "cannot move " + tempPath + " to " + target);
    }
    // The new name, and each new folder's name in its parent, must be durable before the caller commits a row;
    // when that cannot be guaranteed the put fails and the file goes, rather than a row pointing at bytes a crash
    // could lose.
    std::vector<std::string> toSync{parentOf(target)};
    for (auto it = created.rbegin(); it != created.rend(); ++it) toSync.push_back(parentOf(*it));
    for (const auto& dir : toSync) {
        if (int err = fsyncPath(dir, true)) {
            ::unlink(target.c_str());
            observe("put", false, secondsSince(start), 0);
            return fileError(err, "fsync of " + dir + " failed");
        }
    }
    observe("put", true, secondsSince(start), static_cast<std::uint64_t>(st.st_size));
    return {};
}

Expected<std::unique_ptr<BlobReader>> LocalBlobStore::open(std::string_view key, const BlobRange& range) {
    OBSCURA_TRY_STATUS(validateKey(key));
    const std::string path = pathOf(key);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR || err == EISDIR) return notFound("no blob " + std::string(key));
        return fileError(err, "cannot open " + path);
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return notFound("no blob " + std::string(key));
    }
    BlobInfo info = infoOf(st);
    if (range.offset > info.size) {
        ::close(fd);
        return invalid("range starts at " + std::to_string(range.offset) + ", past the end of " + std::string(key) +
                       " (" + std::to_string(info.size) + " bytes)");
    }
    const std::uint64_t left = info.size - range.offset;
    const std::uint64_t length = range.length ? std::min(*range.length, left) : left;
    // Sequential reads from here: let the kernel read ahead generously.
    ::posix_fadvise(fd, static_cast<off_t>(range.offset), static_cast<off_t>(length), POSIX_FADV_SEQUENTIAL);
    return std::unique_ptr<BlobReader>(std::make_unique<FileReader>(fd, std::move(info), range.offset, length));
}

Expected<BlobInfo> LocalBlobStore::stat(std::string_view key) {
    OBSCURA_TRY_STATUS(validateKey(key));
    const std::string path = pathOf(key);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) return notFound("no blob " + std::string(key));
        return fileError(err, "cannot stat " + path);
    }
    if (!S_ISREG(st.st_mode)) return notFound("no blob " + std::string(key));
    return infoOf(st);
}

Status LocalBlobStore::remove(std::string_view key) {
    OBSCURA_TRY_STATUS(validateKey(key));
    const std::string path = pathOf(key);
    if (::unlink(path.c_str()) != 0) {
        const int err = errno;
        if (err == ENOENT || err == ENOTDIR) return {};
        return fileError(err, "cannot remove " + path);
    }
    // The removal must survive a crash once the caller (a durable job) says it is done.
    const int rc = fsyncPath(parentOf(path), true);
    if (rc != 0 && rc != ENOENT) return fileError(rc, "cannot sync " + parentOf(path));
    observe("remove", true, 0, 0);
    return {};
}

Expected<std::unique_ptr<BlobStore>> LocalBlobStoreFactory::open(const BlobStoreOptions& options) {
    if (options.dataDir.empty() || options.dataDir.front() != '/') {
        return invalid("the local blob store needs an absolute data dir (server.dataDir), got '" + options.dataDir +
                       "'");
    }
    if (!options.settings.empty()) {
        return invalid("blobs.local." + options.settings.begin()->first + ": the local blob store has no settings");
    }
    struct stat st {};
    if (::stat(options.dataDir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        return invalid("the data dir " + options.dataDir + " (server.dataDir) is not a folder");
    }
    return std::unique_ptr<BlobStore>(std::make_unique<LocalBlobStore>(options));
}

}  // namespace obscura::blobs::local
