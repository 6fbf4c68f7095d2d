#include "upload/upload_temp_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

#include "obscura/kernel/recent_blob_copies.hpp"

namespace obscura::images {
namespace {

// Write-back is started every this many bytes (sync_file_range, asynchronous), so dirty pages do not pile up
// for the final fsync to flush all at once: the upload's disk writes overlap its network reads, and the
// commit's fsync only waits for the last window.
constexpr std::uint64_t kWriteBackWindow = 8u << 20;

Expected<std::string> randomHex(std::size_t bytes) {
    std::uint8_t buf[32];
    if (bytes > sizeof buf) return internalError("random name too long");
    std::size_t got = 0;
    while (got < bytes) {
        ssize_t r = ::getrandom(buf + got, bytes - got, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return internalError(std::string("getrandom failed: ") + std::strerror(errno));
        got += static_cast<std::size_t>(r);
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        out.push_back(kHex[buf[i] >> 4]);
        out.push_back(kHex[buf[i] & 15]);
    }
    return out;
}

Error writeError(int err) {
    std::string why = std::strerror(err);
    if (err == ENOSPC || err == EDQUOT) {
        return unavailable("the server's storage is full (" + why + "); the upload was not kept");
    }
    if (err == EFBIG) return {ErrorCode::PayloadTooLarge, "the file is larger than the server's file system allows"};
    return internalError("writing the upload failed: " + why);
}

// A file system that finds out late that it is full (delayed allocation, network file systems) says so at
// fsync, mkdir or rename rather than at write: that is the same "storage is full" answer (503), not a 500.
Error storageError(int err, const std::string& what) {
    if (err == ENOSPC || err == EDQUOT) return writeError(err);
    return internalError(what + ": " + std::strerror(err));
}

std::string parentOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

// relativePath is built by the caller from ids and dates, but it is checked anyway: it must stay below the
// library root.
Expected<std::vector<std::string>> splitRelative(std::string_view rel) {
    std::vector<std::string> parts;
    if (rel.empty() || rel.front() == '/') return internalError("library path must be relative");
    std::size_t start = 0;
    while (start <= rel.size()) {
        std::size_t end = rel.find('/', start);
        if (end == std::string_view::npos) end = rel.size();
        std::string_view part = rel.substr(start, end - start);
        if (part.empty() || part == "." || part == "..")
            return internalError("library path has an empty, . or .. component");
        parts.emplace_back(part);
        start = end + 1;
    }
    return parts;
}

}  // namespace

Expected<UploadTempFile> UploadTempFile::create(const std::string& tmpDir, DurabilityOps& ops) {
    OBSCURA_TRY(sha, formats::Sha1::create());
    OBSCURA_TRY(name, randomHex(16));
    std::string path = tmpDir + "/upload-" + name + ".part";
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int err = errno;
        if (err == ENOSPC || err == EDQUOT) return writeError(err);
        return internalError("cannot create an upload file in " + tmpDir + ": " + std::strerror(err));
    }
    return UploadTempFile(fd, std::move(path), std::move(sha), ops);
}

Expected<UploadTempFile> UploadTempFile::adopt(const std::string& path, std::optional<formats::Sha1Digest> digest,
                                               DurabilityOps& ops) {
    OBSCURA_TRY(sha, formats::Sha1::create());
    int fd = ::open(path.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return internalError("cannot open the upload " + path + ": " + std::strerror(errno));
    UploadTempFile file(fd, path, std::move(sha), ops);
    // A failure to read leaves the file where it is (the upload may be retried): only the descriptor goes.
    auto keep = [&file](Error e) {
        file.removed_ = true;
        return e;
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return keep(internalError("cannot stat the upload " + path + ": " + std::strerror(errno)));
    file.size_ = static_cast<std::uint64_t>(st.st_size);
    file.writeBackStarted_ = file.size_;
    if (!digest) {
        std::vector<char> buffer(1 << 20);
        std::uint64_t at = 0;
        while (at < file.size_) {
            ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(at));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return keep(internalError("cannot read the upload " + path));
            file.sha_.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
            at += static_cast<std::uint64_t>(n);
        }
        digest = file.sha_.finish();
    }
    file.digest_ = digest;
    return file;
}

UploadTempFile::UploadTempFile(UploadTempFile&& o) noexcept
    : fd_(o.fd_),
      path_(std::move(o.path_)),
      sha_(std::move(o.sha_)),
      digest_(o.digest_),
      ops_(o.ops_),
      size_(o.size_),
      writeBackStarted_(o.writeBackStarted_),
      staged_(std::move(o.staged_)),
      committed_(o.committed_),
      removed_(o.removed_) {
    o.fd_ = -1;
    o.removed_ = true;  // the moved-from object owns no file any more
}

UploadTempFile::~UploadTempFile() { abort(); }

void UploadTempFile::closeFd() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

void UploadTempFile::abort() noexcept {
    if (staged_ && !committed_) staged_->abort();
    staged_.reset();
    closeFd();
    if (!committed_ && !removed_) {
        ops_->removeFile(path_);
        removed_ = true;
    }
}

Status UploadTempFile::write(std::string_view bytes) {
    if (fd_ < 0 || digest_) return internalError("upload file written after it was finished or aborted");
    while (!bytes.empty()) {
        ssize_t n = ::write(fd_, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int err = n < 0 ? errno : EIO;
            abort();
            return writeError(err);
        }
        // Hash what reached the file, not what was offered: after a short write the rest is retried.
        sha_.update(bytes.substr(0, static_cast<std::size_t>(n)));
        size_ += static_cast<std::uint64_t>(n);
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    if (staged_) {
        staged_->grown(size_);
        return {};
    }
    if (size_ - writeBackStarted_ >= kWriteBackWindow) {
        // Only a hint: where unsupported it fails and the final fsync does all the work, as it would anyway.
        ::sync_file_range(fd_, static_cast<off_t>(writeBackStarted_), static_cast<off_t>(size_ - writeBackStarted_),
                          SYNC_FILE_RANGE_WRITE);
        writeBackStarted_ = size_;
    }
    return {};
}

const formats::Sha1Digest& UploadTempFile::digest() {
    if (!digest_) digest_ = sha_.finish();
    return *digest_;
}

Status UploadTempFile::commit(const std::string& libraryRoot, const std::string& relativePath) {
    if (committed_ || removed_ || fd_ < 0) return internalError("upload file committed twice or after abort");
    auto parts = splitRelative(relativePath);
    auto fail = [this](Error e) {
        abort();
        return e;
    };
    if (!parts) return fail(std::move(parts).error());
    digest();  // nothing may be written after this point
    if (int rc = ops_->fsyncFile(fd_)) return fail(storageError(rc, "fsync of the upload failed"));
    int closeRc = ::close(fd_);
    fd_ = -1;
    if (closeRc != 0) return fail(internalError(std::string("closing the upload failed: ") + std::strerror(errno)));

    std::vector<std::string> created;
    std::string dir = libraryRoot;
    for (std::size_t i = 0; i + 1 < parts->size(); ++i) {
        dir += "/" + (*parts)[i];
        int rc = ops_->makeDirectory(dir);
        if (rc == 0) {
            created.push_back(dir);
        } else if (rc != EEXIST) {
            return fail(storageError(rc, "cannot create " + dir));
        }
    }
    std::string finalPath = libraryRoot + "/" + relativePath;
    if (int rc = ops_->renameNoReplace(path_, finalPath)) {
        if (rc == EEXIST) return fail(conflict("a library file already exists at " + relativePath));
        return fail(storageError(rc, "cannot move the upload into the library"));
    }
    path_ = finalPath;
    // The new name, and each new directory's name in its parent, must be durable before the row commits;
    // if that cannot be guaranteed the upload fails and the file goes, rather than a row pointing at a file
    // a crash could lose.
    std::vector<std::string> toSync{parentOf(finalPath)};
    for (auto it = created.rbegin(); it != created.rend(); ++it) toSync.push_back(parentOf(*it));
    for (const auto& d : toSync) {
        if (int rc = ops_->fsyncDirectory(d)) {
            return fail(storageError(rc, "fsync of " + d + " failed"));
        }
    }
    committed_ = true;
    return {};
}

Status UploadTempFile::stageInto(blobs::BlobStore& blobs, const std::string& likelyKey) {
    if (committed_ || removed_ || fd_ < 0 || size_ > 0) return internalError("upload file staged after writing");
    OBSCURA_TRY(staged, blobs.beginStagedPut(path_, likelyKey, blobs::PutOptions{}));
    staged_ = std::move(staged);
    return {};
}

Status UploadTempFile::putInto(blobs::BlobStore& blobs, const std::string& key) {
    if (committed_ || removed_ || fd_ < 0) return internalError("upload file committed twice or after abort");
    auto fail = [this](Error e) {
        abort();
        return e;
    };
    digest();  // nothing may be written after this point
    if (staged_) {
        closeFd();
        if (auto put = staged_->commit(key, size_); !put) return fail(std::move(put).error());
        staged_.reset();
        // The scratch copy: the store holds the object now; the media job's copy, when kept, is a link to it.
        keepRecentCopy(blobs, key);
        ops_->removeFile(path_);
        removed_ = true;
        path_ = key;
        committed_ = true;
        return {};
    }
    // Synced here, through ops, so a failure is told as the upload's own (the store syncs again: a no-op by now).
    if (int rc = ops_->fsyncFile(fd_)) return fail(storageError(rc, "fsync of the upload failed"));
    int closeRc = ::close(fd_);
    fd_ = -1;
    if (closeRc != 0) return fail(internalError(std::string("closing the upload failed: ") + std::strerror(errno)));
    // A remote store consumes the file: a link keeps it for the media job (RecentBlobCopies).
    std::optional<std::string> recent;
    if (!blobs.localPath(key)) recent = RecentBlobCopies::instance().link(path_, size_);
    if (auto put = blobs.put(key, path_, blobs::PutOptions{}); !put) {
        if (recent) RecentBlobCopies::instance().discard(*recent);
        return fail(std::move(put).error());
    }
    if (recent) RecentBlobCopies::instance().keep(blobs, key, *recent, size_);
    path_ = key;
    committed_ = true;
    return {};
}

void UploadTempFile::keepRecentCopy(blobs::BlobStore& blobs, const std::string& key) {
    if (blobs.localPath(key)) return;
    auto& recent = RecentBlobCopies::instance();
    if (auto linked = recent.link(path_, size_)) recent.keep(blobs, key, *linked, size_);
}

}  // namespace obscura::images
