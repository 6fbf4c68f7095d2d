#pragma once
// Where an upload's bytes go while they arrive: a private file in the data dir's temp area, hashed as it is
// written, then made durable and moved into the library in the order DESIGN.md section 4 requires:
//   fsync(file) → create missing directories → rename (never replacing) → fsync(directory) → fsync(the
//   parent of each directory created, deepest first)
// and only then may the caller commit the database row. Anything short of that removes the temp file, so an
// aborted, failed or abandoned upload leaves nothing behind (the destructor aborts too).
//
// Write errors: ENOSPC and EDQUOT are Unavailable with a "storage is full" message — the server's disk, not
// the user's quota (that is QuotaExceeded, checked by the caller) — and any other I/O error is Internal.
// After a failed write the temp file is already removed, to give the space back at once.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/formats/sha1.hpp"
#include "upload/durability_ops.hpp"

namespace obscura::images {

class UploadTempFile {
public:
    // Creates `<tmpDir>/upload-<32 random hex>.part` with O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, mode 0600.
    // tmpDir must exist (<dataDir>/tmp or <dataDir>/tmp/<instance-id>).
    static Expected<UploadTempFile> create(const std::string& tmpDir, DurabilityOps& ops = DurabilityOps::system());

    // Takes over a finished file written elsewhere (a resumable upload's spool file, on the data dir's file
    // system), to import it like any upload: its SHA-1 is `digest` when the caller kept a running hash, or is
    // computed here by reading the file. Nothing may be written to it; abort() removes it.
    static Expected<UploadTempFile> adopt(const std::string& path, std::optional<formats::Sha1Digest> digest,
                                          DurabilityOps& ops = DurabilityOps::system());

    UploadTempFile(UploadTempFile&& other) noexcept;
    UploadTempFile& operator=(UploadTempFile&&) = delete;
    UploadTempFile(const UploadTempFile&) = delete;
    ~UploadTempFile();

    Status write(std::string_view bytes);
    std::uint64_t size() const { return size_; }
    // While open: where the bytes are (for sniffing and metadata before commit). After commit: the final path.
    const std::string& path() const { return path_; }

    // SHA-1 of exactly the bytes written. Ends writing: write() fails afterwards.
    const formats::Sha1Digest& digest();

    // Puts the file into the blob store under `key` (DESIGN §8): fsync here, then the store makes it durable and
    // atomic (local: rename into the library, folders fsync'd). On failure the temp file is removed. After it,
    // path() is the key.
    Status putInto(blobs::BlobStore& blobs, const std::string& key);
    // Moves the file to `<libraryRoot>/<relativePath>`, creating the directories of relativePath under
    // libraryRoot (which must exist). Never replaces an existing file (Conflict). On any failure the file is
    // removed — including after the rename, if the directory cannot be made durable — and nothing is kept.
    Status commit(const std::string& libraryRoot, const std::string& relativePath);
    // Removes the temp file. Safe to call at any time, more than once, and after a failure.
    void abort() noexcept;

    // Tees the file into the blob store while it is written (BlobStore::beginStagedPut): from now on each
    // write() reports the new size to the staged put, and putInto() commits it instead of putting the finished
    // file. Nothing changes for a store that does not stage (local). The local copy is then only a scratch file
    // for sniffing, hashing and metadata: it is neither written back early nor fsync'd, since the store's copy is
    // the durable one. abort() and the destructor abort the staged put too.
    // likelyKey: the key putInto() will probably be given (BlobStore::beginStagedPut), or empty.
    Status stageInto(blobs::BlobStore& blobs, const std::string& likelyKey);

    bool committed() const { return committed_; }

private:
    // A remote store now holds the file: keep a link for the media job that follows (RecentBlobCopies).
    void keepRecentCopy(blobs::BlobStore& blobs, const std::string& key);
    UploadTempFile(int fd, std::string path, formats::Sha1 sha, DurabilityOps& ops)
        : fd_(fd), path_(std::move(path)), sha_(std::move(sha)), ops_(&ops) {}
    void closeFd() noexcept;

    int fd_ = -1;
    std::string path_;
    formats::Sha1 sha_;
    std::optional<formats::Sha1Digest> digest_;
    DurabilityOps* ops_;
    std::uint64_t size_ = 0;
    std::uint64_t writeBackStarted_ = 0;  // bytes before this offset have had write-back started
    std::unique_ptr<blobs::StagedPut> staged_;
    bool committed_ = false;
    bool removed_ = false;
};

}  // namespace obscura::images
