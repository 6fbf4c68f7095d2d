// The staged put (blob_store.hpp, StagedPut): an upload's parts go to S3 while its temp file is still being
// written, so a large upload takes about as long as the slower of the two legs instead of their sum.
//
// Why a staging key: the object's key (library/<owner>/<yyyy>/<mm>/<asset>.<ext>) is known only once the whole
// file has been read (the month comes from EXIF or ffprobe; a duplicate gets no key), and an S3 multipart upload
// is bound to its key from the start. So the parts go to the likely key the caller names (an upload's key if the
// file holds no date of its own, e.g. a video without creation_time) or else to tmp/staged/<random>; commit()
// completes that upload, and when the key turned out another, copies the object under it with one server-side
// CopyObject and deletes it (measured: 0.6-1.4 s for 1 GiB on radosgw, in bench/RESULTS.md). On radosgw a copy inside
// one placement shares the source's data (no bytes move; measured in bench/RESULTS.md); a store that copies the bytes
// does so inside itself, never through this server. Files up to the multipart threshold are never staged: their
// one PUT goes straight to the key at commit, as put() would send it.
//
// Threads: grown() and abort() run on an HTTP I/O thread and never wait; kPartsInFlight detached sender threads per
// staged upload (started once the file passes the threshold) wait for whole parts and send them, reading them back
// from the temp file (the page cache: nothing is buffered here, so memory stays flat however far the store lags);
// commit() runs on a worker and waits for the senders. The store's destructor waits for every sender to end.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <optional>
#include <random>
#include <thread>

#include "obscura/base/rfc3339.hpp"
#include "s3_multipart.hpp"
#include "s3_store.hpp"
#include "s3_xml.hpp"

namespace obscura::s3 {
namespace {

std::string stagingKey() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    static constexpr char kHex[] = "0123456789abcdef";
    std::string key(kStagingPrefix);
    for (int i = 0; i < 2; ++i) {
        std::uint64_t v = rng();
        for (int j = 0; j < 16; ++j, v >>= 4) key.push_back(kHex[v & 15]);
    }
    return key;
}

// Parts sent at once per staged upload. One part at a time left the sender at about 60 MB/s on radosgw (each part
// waits for the store to acknowledge it before the next starts), behind a body arriving at over 100 MB/s; three keep
// the store busy while memory stays the same (every part is read from the temp file by its own transfer).
constexpr int kPartsInFlight = 3;

// What the handle and its senders share. The senders own it as long as they run, so an aborted upload is cleaned
// up after its handle is gone.
struct Staging {
    Staging(S3BlobStore& s, int f, std::string path, std::string_view likelyKey, blobs::PutOptions o)
        : store(s),
          fd(f),
          tempPath(std::move(path)),
          options(std::move(o)),
          stagingFull(
              s.fullKey(!likelyKey.empty() && blobs::validateKey(likelyKey) ? std::string(likelyKey) : stagingKey())) {}
    ~Staging() { ::close(fd); }

    S3BlobStore& store;
    const int fd;  // our own descriptor: the caller may remove the file while parts are still read from it
    const std::string tempPath;
    const blobs::PutOptions options;
    const std::string stagingFull;
    std::atomic<bool> cancel{false};  // stops the parts in flight (abort, or another part failed)

    std::mutex mutex;
    std::condition_variable changed;
    std::uint64_t written = 0;               // the caller's file size so far
    std::optional<std::uint64_t> finalSize;  // set by commit()
    bool aborted = false;
    MultipartUpload upload;     // parts are added under the mutex
    std::uint64_t claimed = 0;  // bytes handed to a sender so far
    int nextPart = 1;
    bool allClaimed = false;
    int helpers = 0;  // senders besides the first still running
    std::optional<Error> failure;
    bool done = false;  // every sender ended: `failure` and `upload` are final
};

// One sender: claims the next whole part (or, once the size is final, the last one) and sends it, until none is left.
void sendClaimedParts(Staging& s) {
    const std::uint64_t partSize = s.store.client().settings().partSizeBytes;
    while (true) {
        std::uint64_t offset = 0;
        std::uint64_t length = partSize;
        int number = 0;
        {
            std::unique_lock lock(s.mutex);
            s.changed.wait(lock, [&] {
                return s.aborted || s.failure || s.allClaimed || s.finalSize || s.written - s.claimed >= partSize;
            });
            if (s.aborted && !s.failure) s.failure = internalError("staged put aborted");
            if (s.failure || s.allClaimed) return;
            if (s.finalSize && *s.finalSize - s.claimed <= partSize) {
                length = *s.finalSize - s.claimed;
                s.allClaimed = true;
                if (length == 0 && s.nextPart > 1) return;  // the size was a whole number of parts
            }
            offset = s.claimed;
            number = s.nextPart++;
            s.claimed += length;
        }
        auto etag = uploadPart(s.store.client(), s.upload, number, s.fd, offset, length, &s.cancel);
        {
            std::lock_guard lock(s.mutex);
            if (etag) {
                s.upload.parts[number] = std::move(*etag);
            } else if (!s.failure) {
                s.failure = etag.error();
                s.cancel.store(true);  // the upload is lost: stop the other parts too
            }
        }
        s.changed.notify_all();
    }
}

// A sender runs on its own thread: an exception (an allocation failing) must become the put's failure, never
// std::terminate.
void sendClaimedPartsGuarded(Staging& s) noexcept {
    try {
        sendClaimedParts(s);
    } catch (...) {
        std::lock_guard lock(s.mutex);
        if (!s.failure) s.failure = internalError("staged put: a part sender failed");
    }
}

// The first sender: initiates the upload, starts the others, sends its share, and once all have ended aborts the
// upload if anything failed (commit() completes it otherwise).
void sendParts(const std::shared_ptr<Staging>& s) {
    S3Client& client = s->store.client();
    auto upload = initiateMultipart(client, s->stagingFull, s->options);
    if (upload) {
        s->upload = std::move(*upload);  // before any other sender exists
        for (int i = 1; i < kPartsInFlight; ++i) {
            try {
                s->store.senderStarted();
                {
                    std::lock_guard lock(s->mutex);
                    ++s->helpers;
                }
                std::thread([s] {
                    sendClaimedPartsGuarded(*s);
                    {
                        std::lock_guard lock(s->mutex);
                        --s->helpers;
                    }
                    s->changed.notify_all();
                    s->store.senderEnded();
                }).detach();
            } catch (...) {  // fewer senders: slower, still right
                std::lock_guard lock(s->mutex);
                --s->helpers;
                s->store.senderEnded();
            }
        }
        sendClaimedPartsGuarded(*s);
    }
    std::unique_lock lock(s->mutex);
    if (!upload) s->failure = upload.error();
    s->changed.wait(lock, [&] { return s->helpers == 0; });
    if (s->failure && upload) {
        lock.unlock();
        abortMultipart(client, s->upload);
        lock.lock();
    }
    s->done = true;
    lock.unlock();
    s->changed.notify_all();
}

class S3StagedPut final : public blobs::StagedPut {
public:
    explicit S3StagedPut(std::shared_ptr<Staging> staging) : s_(std::move(staging)) {}
    ~S3StagedPut() override {
        if (!committed_) abort();
    }

    void grown(std::uint64_t size) noexcept override {
        {
            std::lock_guard lock(s_->mutex);
            s_->written = size;
        }
        if (started_) {
            s_->changed.notify_one();
        } else if (size > s_->store.client().settings().multipartThresholdBytes && !startFailed_) {
            start();
        }
    }

    Status commit(std::string_view key, std::uint64_t size) override {
        if (auto v = blobs::validateKey(key); !v) return v;
        if (committed_) return internalError("staged put committed twice");
        committed_ = true;
        const auto begin = std::chrono::steady_clock::now();
        const std::string full = s_->store.fullKey(key);
        // Never staged (small, or the sender could not start): the finished file goes up as put() sends it.
        Status result = started_ ? commitStaged(full, size) : s_->store.putFile(full, s_->tempPath, size, s_->options);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
        s_->store.observe("put", result.ok(), seconds, result ? size : 0);
        return result;
    }

    void abort() noexcept override {
        {
            std::lock_guard lock(s_->mutex);
            s_->aborted = true;
        }
        s_->cancel.store(true);
        s_->changed.notify_all();
    }

private:
    void start() noexcept {
        try {
            s_->store.senderStarted();
            std::thread([s = s_] {
                sendParts(s);
                s->store.senderEnded();
            }).detach();
            started_ = true;
        } catch (...) {
            s_->store.senderEnded();
            startFailed_ = true;  // commit() then puts the finished file the ordinary way
        }
    }

    // Two timings for the metrics (obscura_blob_operation_seconds): "staged-wait", the parts still to send once
    // the file was complete (what the overlap did not hide), and "staged-copy", the cost of the staging key.
    Status commitStaged(const std::string& full, std::uint64_t size) {
        const auto begin = std::chrono::steady_clock::now();
        std::unique_lock lock(s_->mutex);
        s_->finalSize = size;
        s_->changed.notify_all();
        s_->changed.wait(lock, [&] { return s_->done; });
        if (s_->failure) return *s_->failure;  // the senders aborted the upload already
        const MultipartUpload upload = s_->upload;
        lock.unlock();
        S3Client& client = s_->store.client();
        if (auto completed = completeMultipart(client, upload); !completed) {
            abortMultipart(client, upload);
            return completed;
        }
        const auto sent = std::chrono::steady_clock::now();
        s_->store.observe("staged-wait", true, std::chrono::duration<double>(sent - begin).count(), 0);
        if (full == s_->stagingFull) return {};  // the parts went straight to the key: nothing to move
        auto copied = copyObject(client, s_->stagingFull, full, size, s_->options);
        s_->store.observe("staged-copy", copied.ok(),
                          std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count(), 0);
        removeObject(s_->stagingFull);
        if (!copied) removeObject(full);  // a copy that failed half-way must not leave a partial object
        return copied;
    }

    void removeObject(const std::string& full) {
        S3Request req;
        req.method = "DELETE";
        req.key = full;
        (void)s_->store.client().perform(req);  // best effort: fsck's census and lifecycle rules see the rest
    }

    std::shared_ptr<Staging> s_;
    bool started_ = false;
    bool startFailed_ = false;
    bool committed_ = false;
};

}  // namespace

Expected<std::unique_ptr<blobs::StagedPut>> S3BlobStore::beginStagedPut(const std::string& tempPath,
                                                                        std::string_view likelyKey,
                                                                        const blobs::PutOptions& options) {
    const int fd = ::open(tempPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return internalError("blob staged put: cannot open " + tempPath);
    auto staging = std::make_shared<Staging>(*this, fd, tempPath, likelyKey, options);
    return std::unique_ptr<blobs::StagedPut>(std::make_unique<S3StagedPut>(std::move(staging)));
}

// A staged upload older than this is no write in flight (a part goes up every few seconds at worst): a replica
// killed mid-upload left it. The same settle time as another instance's tmp/ folder (DESIGN §4).
constexpr std::int64_t kStaleStagingSeconds = 3600;
constexpr std::int64_t kStaleUploadSeconds = 24 * 3600;
constexpr std::int64_t kStaleResumableSeconds = 7 * 24 * 3600;

void S3BlobStore::sweepStaged() {
    const std::string prefix = fullKey(kStagingPrefix);
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    const auto cutoff = now - kStaleStagingSeconds;
    S3Request uploads;
    uploads.query = {{"prefix", fullKey("")}, {"uploads", ""}};
    uploads.maxResponseBytes = 8 << 20;
    if (auto r = client_.perform(uploads); r && httpOk(r->status)) {
        const std::string& xml = r->body;
        for (std::size_t at = xml.find("<Upload>"); at != std::string::npos; at = xml.find("<Upload>", at + 1)) {
            const std::string item = xml.substr(at, xml.find("</Upload>", at) - at);
            const auto initiated = parseRfc3339Us(xmlText(item, "Initiated"));
            // A resumable upload's parts live as long as the upload, which may be touched for longer than a day; its
            // own expiry drops them. What outlives a week is an orphan (its owner deleted with the rows).
            const bool resumable = xmlText(item, "Key").rfind(fullKey(kResumablePrefix), 0) == 0;
            if (!initiated || *initiated / 1000000 > now - (resumable ? kStaleResumableSeconds : kStaleUploadSeconds))
                continue;
            abortMultipart(client_, MultipartUpload{xmlText(item, "Key"), xmlText(item, "UploadId"), {}});
        }
    }
    // Raw requests rather than list()/remove(): house-keeping, not operations to count in the metrics. Resumable
    // uploads' tails are orphans after a week, like their parts.
    for (const auto& [under, olderThan] :
         {std::pair{prefix, cutoff}, std::pair{fullKey(kResumablePrefix), now - kStaleResumableSeconds}}) {
        S3Request objects;
        objects.query = {{"list-type", "2"}, {"max-keys", "1000"}, {"prefix", under}};
        objects.maxResponseBytes = 8 << 20;
        if (auto r = client_.perform(objects); r && httpOk(r->status)) {
            for (const auto& object : parseListObjectsV2(r->body).objects) {
                if (object.modifiedAt > olderThan) continue;
                S3Request req;
                req.method = "DELETE";
                req.key = object.key;
                (void)client_.perform(req);
            }
        }
    }
}

void S3BlobStore::senderStarted() {
    std::lock_guard lock(sendersMutex_);
    ++senders_;
}

void S3BlobStore::senderEnded() {
    std::lock_guard lock(sendersMutex_);
    if (--senders_ == 0) sendersIdle_.notify_all();
}

S3BlobStore::~S3BlobStore() {
    std::unique_lock lock(sendersMutex_);
    sendersIdle_.wait(lock, [&] { return senders_ == 0; });
}

}  // namespace obscura::s3
