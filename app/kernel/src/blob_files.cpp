#include "obscura/kernel/blob_files.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "obscura/kernel/recent_blob_copies.hpp"

namespace obscura {

namespace {

constexpr std::size_t kChunk = 1 << 20;

Expected<std::string> randomName() {
    unsigned char raw[12];
    if (::getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw)) {
        return internalError(std::string("no randomness for a temp file name: ") + std::strerror(errno));
    }
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : raw) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

// Creates a new private file; answers its path.
Expected<std::string> createPrivate(const std::string& tmpDir, std::string_view stem, std::string_view suffix,
                                    int& fdOut) {
    OBSCURA_TRY(name, randomName());
    std::string path = tmpDir + "/" + std::string(stem) + "-" + name + std::string(suffix);
    fdOut = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fdOut < 0) {
        const int err = errno;
        if (err == ENOSPC || err == EDQUOT) return unavailable("the server's storage is full (creating " + path + ")");
        return internalError("cannot create " + path + ": " + std::strerror(err));
    }
    return path;
}

Status writeAll(int fd, std::string_view bytes, const std::string& path) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            if (err == ENOSPC || err == EDQUOT)
                return unavailable("the server's storage is full (writing " + path + ")");
            return internalError("cannot write " + path + ": " + std::strerror(err));
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace

Status readBlob(blobs::BlobStore& store, const std::string& key, const blobs::BlobRange& range,
                const std::function<Status(std::string_view)>& sink) {
    OBSCURA_TRY(reader, store.open(key, range));
    std::vector<char> buffer(static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, reader->remaining() + 1)));
    for (;;) {
        OBSCURA_TRY(n, reader->read(buffer.data(), buffer.size()));
        if (n == 0) return {};
        OBSCURA_TRY_STATUS(sink(std::string_view(buffer.data(), n)));
    }
}

Expected<std::string> readBlobHead(blobs::BlobStore& store, const std::string& key, std::size_t bytes) {
    std::string head;
    OBSCURA_TRY_STATUS(readBlob(store, key, blobs::BlobRange{0, bytes}, [&](std::string_view chunk) -> Status {
        head.append(chunk);
        return {};
    }));
    return head;
}

Expected<BlobFile> BlobFile::open(blobs::BlobStore& store, const std::string& key, const std::string& tmpDir) {
    if (auto local = store.localPath(key)) {
        struct stat st {};
        if (::stat(local->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return notFound("no blob " + key);
        return BlobFile(std::move(*local), false);
    }
    {
        // An original this process put moments ago: its local copy, through a link of our own.
        OBSCURA_TRY(name, randomName());
        std::string linked = tmpDir + "/blob-" + name + ".copy";
        if (RecentBlobCopies::instance().linkCopyTo(store, key, linked)) return BlobFile(std::move(linked), true);
    }
    int fd = -1;
    OBSCURA_TRY(path, createPrivate(tmpDir, "blob", ".copy", fd));
    BlobFile copy(path, true);  // removes the file on any failure below
    Status copied = readBlob(store, key, {}, [&](std::string_view chunk) { return writeAll(fd, chunk, path); });
    ::close(fd);
    if (!copied) return std::move(copied).error();
    return copy;
}

BlobFile::BlobFile(BlobFile&& other) noexcept : path_(std::move(other.path_)), copy_(other.copy_) {
    other.copy_ = false;
}

BlobFile::~BlobFile() {
    if (copy_) ::unlink(path_.c_str());
}

Expected<PendingBlob> PendingBlob::create(const std::string& tmpDir, std::string_view stem, std::string_view suffix) {
    int fd = -1;
    OBSCURA_TRY(path, createPrivate(tmpDir, stem, suffix, fd));
    ::close(fd);
    return PendingBlob(std::move(path));
}

PendingBlob::PendingBlob(PendingBlob&& other) noexcept : path_(std::move(other.path_)), done_(other.done_) {
    other.done_ = true;
}

PendingBlob::~PendingBlob() {
    if (!done_) ::unlink(path_.c_str());
}

Status PendingBlob::put(blobs::BlobStore& store, const std::string& key, const blobs::PutOptions& options) {
    if (done_) return internalError("a pending blob was put twice: " + key);
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return internalError("output missing: " + path_);
    if (st.st_size == 0) return internalError("the writer produced an empty file for " + key);
    OBSCURA_TRY_STATUS(store.put(key, path_, options));
    done_ = true;
    return {};
}

}  // namespace obscura
