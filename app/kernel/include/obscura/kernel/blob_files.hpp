#pragma once
// Blobs for code that needs a file: libvips, ffmpeg, ffprobe and exiftool read paths, not readers. With the local
// store the blob's own file is used as it is (no copy); with any other store the blob is copied, by bounded reads,
// into a private temp file that goes away with the BlobFile (disk: the object's size; memory: one buffer).
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/blobs/blob_store.hpp"

namespace obscura {

class BlobFile {
public:
    // NotFound when the key is not in the store. tmpDir must exist (the data dir's tmp/).
    static Expected<BlobFile> open(blobs::BlobStore& store, const std::string& key, const std::string& tmpDir);
    BlobFile(BlobFile&& other) noexcept;
    BlobFile& operator=(BlobFile&&) = delete;
    BlobFile(const BlobFile&) = delete;
    ~BlobFile();

    // Absolute; read-only.
    const std::string& path() const { return path_; }
    bool isCopy() const { return copy_; }

private:
    BlobFile(std::string path, bool copy) : path_(std::move(path)), copy_(copy) {}
    std::string path_;
    bool copy_ = false;
};

// Streams a range of a blob to `sink`, one bounded chunk at a time; stops at the first error (the sink's or the
// store's).
Status readBlob(blobs::BlobStore& store, const std::string& key, const blobs::BlobRange& range,
                const std::function<Status(std::string_view)>& sink);
// At most `bytes` bytes from the start of a blob (sniffing).
Expected<std::string> readBlobHead(blobs::BlobStore& store, const std::string& key, std::size_t bytes);

// A new, empty, private file in tmpDir ("<tmpDir>/<stem>-<random>.<suffix>") removed by the destructor unless
// put() moved it into the store: writers (libvips, ffmpeg) fill it, then it is put under its key.
class PendingBlob {
public:
    static Expected<PendingBlob> create(const std::string& tmpDir, std::string_view stem, std::string_view suffix);
    PendingBlob(PendingBlob&& other) noexcept;
    PendingBlob& operator=(PendingBlob&&) = delete;
    PendingBlob(const PendingBlob&) = delete;
    ~PendingBlob();

    const std::string& path() const { return path_; }
    // Internal when the writer left nothing (a missing or empty file must not become a derivative).
    Status put(blobs::BlobStore& store, const std::string& key, const blobs::PutOptions& options = {});

private:
    explicit PendingBlob(std::string path) : path_(std::move(path)) {}
    std::string path_;
    bool done_ = false;
};

}  // namespace obscura
