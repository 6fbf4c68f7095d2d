#pragma once
// The blob store a blob plugin implements (DESIGN §8): every byte Obscura keeps — originals, derivatives,
// conversions, avatars — lives behind it under a key (blob_key.hpp). `local` keeps today's folders under the
// data dir; `s3` keeps objects in a bucket. Modules get the store from ModuleContext::blobs() and never open a
// library path themselves.
//
// Contract for every implementation:
// - Safe to call from many threads at once. No exception leaves a plugin: every call answers an Expected.
// - Every key and prefix is checked with validateKey/validatePrefix first (Invalid otherwise).
// - put() is atomic from a reader's view (a reader sees the old bytes or the new ones, never a mix or a
//   truncated object) and durable before it returns (local: fsync file, rename, fsync directory; s3: the
//   object is acknowledged by the server).
// - A missing key is NotFound for open()/stat(); remove() of a missing key succeeds (it is idempotent).
// - Reads stream through a BlobReader with bounded memory, whatever the object's size.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "obscura/base/circuit_breaker.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/blobs/blob_key.hpp"

namespace obscura::blobs {

// What stat() knows of an object.
struct BlobInfo {
    std::uint64_t size = 0;
    // A strong entity tag with its quotes, usable as an HTTP ETag as is. local: "<size>-<mtime s>.<ns>" (what
    // the server always sent for files); s3: the object's ETag.
    std::string etag;
    std::int64_t modifiedAt = 0;  // seconds since the epoch
};

// One byte range of an object: [offset, offset + length), or to the end when length is empty.
struct BlobRange {
    std::uint64_t offset = 0;
    std::optional<std::uint64_t> length;
};

// An open object, read front to back. Not thread-safe: one reader per consumer. Holding a reader pins the
// bytes it was opened on (local: an open fd; s3: one GET of one ETag), so an overwrite meanwhile is not seen.
class BlobReader {
public:
    virtual ~BlobReader() = default;
    // The whole object's metadata as of the open (not the range's).
    virtual const BlobInfo& info() const = 0;
    // Bytes left in the requested range.
    virtual std::uint64_t remaining() const = 0;
    // Reads up to `capacity` bytes into `buffer`; 0 only at the end of the range. Blocks; a short read is
    // not the end.
    virtual Expected<std::size_t> read(char* buffer, std::size_t capacity) = 0;
};

struct PutOptions {
    std::string contentType;  // recorded where the store can (S3 Content-Type); may be empty
    // presignPut only: the one body size the URL accepts (s3: Content-Length is signed, so the store refuses a PUT
    // of any other size). nullopt: any size.
    std::optional<std::uint64_t> contentLength{};
};

// One object in a listing.
struct BlobEntry {
    std::string key;
    std::uint64_t size = 0;
    std::int64_t modifiedAt = 0;  // seconds since the epoch: when it was last written (local: written or renamed in)
};

// One page of list(). Keys come in ascending byte order. `next` is empty when the listing is complete;
// otherwise pass it back as `continuation` for the next page.
struct BlobPage {
    std::vector<BlobEntry> entries;
    std::string next;
};

// A request a client may make directly against the store, without the server in the path.
struct PresignedRequest {
    std::string method;  // "GET" or "PUT"
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;  // the client must send these, exactly
    std::int64_t expiresAt = 0;                                // seconds since the epoch
};

struct PresignGetOptions {
    std::string responseContentType;         // overrides the object's Content-Type in the answer, when set
    std::string responseContentDisposition;  // idem for Content-Disposition
};

// ---- Staged puts (issue 18's upload speed): a put that starts while its file is still being written ----
//
// An upload lands in a temp file under tmp/ (sniffing, SHA-1, EXIF and ffprobe read a file), and its key is only
// known once the whole file has been read: "library/<owner>/<yyyy>/<mm>/…" takes the month from EXIF or ffprobe,
// and a duplicate gets no key at all. Where put() is slow next to the local disk (S3: the bytes cross the network
// once more), sending them only after the file is complete makes the upload take the sum of both legs. A staged
// put sends the file while the caller is still writing it, to a staging place of the store's choosing, and
// commit() moves what was sent under the key once it is known. The caller may name the key it expects (likelyKey:
// for an upload, the key its date would get if the file holds none of its own): a store may then send the parts
// straight there, and a commit() under that key moves nothing.
//
// Contract:
// - The caller keeps writing its temp file itself, append only (bytes below a size it reported never change),
//   and reports each new size with grown(). grown() never blocks: callers run on an HTTP I/O thread.
// - commit(key, size) blocks until the file's first `size` bytes are stored under `key`, atomically and durably
//   as put() stores them (on success the staging place is empty again), and answers like put(). It does not
//   touch the temp file: the caller removes it, whatever the outcome.
// - abort(), or destroying a StagedPut that did not commit, drops everything sent: no object, part or staging
//   object remains once the store's background clean-up has run. It never blocks. A commit that fails leaves
//   nothing under `key` and nothing staged either.
// - Nothing is visible under likelyKey before commit(), and nothing stays there unless commit() names it.
// - Not thread-safe: one caller at a time (grown() from the I/O strand, then commit() on a worker).
class StagedPut {
public:
    virtual ~StagedPut() = default;
    virtual void grown(std::uint64_t size) noexcept = 0;
    virtual Status commit(std::string_view key, std::uint64_t size) = 0;
    virtual void abort() noexcept = 0;
};

// ---- Parts kept between requests (issue 20: resumable uploads on a remote store) ----
//
// A resumable upload arrives over many requests, maybe to several replicas that share no disk. A store that can
// keep parts (s3: one multipart upload per resumable upload) takes each part as it is complete; the caller keeps
// the parts' list (number, ETag, size) in its database between requests and hands it back to complete them into
// one object. Parts are numbered from 1; every part but the last must have at least minPartBytes(). A part sent
// again under the same number replaces the earlier one (its ETag changes).
struct BlobPart {
    int number = 0;
    std::string etag;
    std::uint64_t size = 0;
};

class BlobStore {
public:
    virtual ~BlobStore() = default;
    virtual std::string_view name() const = 0;
    // Cheap round trip to the store (readiness probe): Unavailable when it cannot be reached.
    virtual Status ping() = 0;

    // Stores the finished file at `tempPath` under `key`, replacing any object there. The file should live under
    // the data dir's tmp/ (local renames it: same filesystem). On success the file at tempPath is gone (moved or
    // uploaded and removed); on failure it is left where it was, still the caller's to remove.
    virtual Status put(std::string_view key, const std::string& tempPath, const PutOptions& options) = 0;
    // Opens `key` for reading, the whole object or one range. A range starting past the end is Invalid (callers
    // answer 416 from stat() before opening); a length running past the end is cut at the end.
    virtual Expected<std::unique_ptr<BlobReader>> open(std::string_view key, const BlobRange& range) = 0;
    virtual Expected<BlobInfo> stat(std::string_view key) = 0;
    virtual Status remove(std::string_view key) = 0;
    // Removes every object whose key starts with `prefix` (a user's folder on deletion). Succeeds when none exist.
    virtual Status removePrefix(std::string_view prefix) = 0;
    // Up to `limit` objects (1..1000) whose key starts with `prefix`, after the key named by `continuation`.
    virtual Expected<BlobPage> list(std::string_view prefix, const std::string& continuation, std::size_t limit) = 0;

    // A URL a client may GET / PUT directly for ttlSeconds. nullopt when this store cannot presign (local: the
    // server serves and receives the bytes itself) or the key is invalid.
    virtual std::optional<PresignedRequest> presignGet(std::string_view key, std::int64_t ttlSeconds,
                                                       const PresignGetOptions& options) = 0;
    virtual std::optional<PresignedRequest> presignPut(std::string_view key, std::int64_t ttlSeconds,
                                                       const PutOptions& options) = 0;

    // The file holding `key` when the store is a local folder, for readers that want a path (sendfile, libvips,
    // ffmpeg); nullopt for remote stores (read through open()) and for invalid keys. Read-only: never write
    // through it. Does not check that the file exists.
    virtual std::optional<std::string> localPath(std::string_view key) const = 0;

    // --- Replicas (DESIGN §9) ---
    // The breaker in front of a remote store (s3), or null (local: nothing to break). The executable registers it
    // for obscura_circuit_state and /readyz, and refuses an upload up front while it is open. Lives as long as
    // the store.
    virtual const CircuitBreaker* circuit() const { return nullptr; }

    // ---- Staged puts (see StagedPut above) ----
    // Starts sending the file at `tempPath` (open, under tmp/, possibly still empty) while the caller writes it;
    // likelyKey (may be empty) is the key commit() will probably name. nullptr when staging gains nothing for this
    // store (local: put is a rename); the caller then put()s.
    virtual Expected<std::unique_ptr<StagedPut>> beginStagedPut(const std::string& tempPath, std::string_view likelyKey,
                                                                const PutOptions& options) {
        (void)tempPath;
        (void)likelyKey;
        (void)options;
        return std::unique_ptr<StagedPut>();
    }

    // ---- Parts kept between requests (see BlobPart above) ----
    // Whether this store keeps parts (s3); the local store does not: its data dir holds a spool file instead.
    virtual bool keepsParts() const { return false; }
    // The smallest part but the last (s3: 5 MiB).
    virtual std::uint64_t minPartBytes() const { return 5ULL << 20; }
    // Begins an object assembled from parts; answers the id the other calls take.
    virtual Expected<std::string> beginParts(std::string_view key, const PutOptions& options) {
        (void)key;
        (void)options;
        return Error(ErrorCode::Internal, "this blob store keeps no parts");
    }
    // Sends [offset, offset + length) of the file at `path` as part `number`; durable once it answers its ETag.
    virtual Expected<std::string> putPart(std::string_view key, const std::string& partsId, int number,
                                          const std::string& path, std::uint64_t offset, std::uint64_t length) {
        (void)key, (void)partsId, (void)number, (void)path, (void)offset, (void)length;
        return Error(ErrorCode::Internal, "this blob store keeps no parts");
    }
    // Makes `parts` (in order) the object under `key`. NotFound when the parts are gone (completed already, or
    // dropped).
    virtual Status completeParts(std::string_view key, const std::string& partsId, const std::vector<BlobPart>& parts) {
        (void)key, (void)partsId, (void)parts;
        return Error(ErrorCode::Internal, "this blob store keeps no parts");
    }
    // Drops the parts (idempotent: parts already gone are fine).
    virtual Status dropParts(std::string_view key, const std::string& partsId) {
        (void)key, (void)partsId;
        return {};
    }
};

// One operation finished, for metrics and logs kept by the executable (plugins link no kernel).
struct BlobOperation {
    // "put", "open", "read", "stat", "remove", "list", "presign"; s3's staged puts also "staged-wait", "staged-copy"
    std::string_view op;
    bool ok = true;
    double seconds = 0;
    std::uint64_t bytes = 0;
};

struct BlobStoreOptions {
    std::string dataDir;  // local: the root of every key; all stores: <dataDir>/tmp/ for their own temp files
    // This plugin's settings, the config's blobs.<plugin>.* values as text, keyed without the prefix
    // ("endpoint", "bucket", "partSizeBytes"); secrets included: never log them.
    std::map<std::string, std::string> settings;
    // Optional hooks into the executable's logging and metrics; may be empty. Called from any thread.
    std::function<void(std::string_view message)> logWarning;
    std::function<void(const BlobOperation&)> observe;
};

class BlobStoreFactory {
public:
    virtual ~BlobStoreFactory() = default;
    // Opens (and checks: bucket reachable, credentials accepted) a store. A bad setting is Invalid naming it.
    virtual Expected<std::unique_ptr<BlobStore>> open(const BlobStoreOptions& options) = 0;
};

}  // namespace obscura::blobs
