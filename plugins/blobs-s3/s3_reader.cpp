// Ranged reads in bounded chunks: each read past the buffer fetches the next chunk with If-Match on the ETag the
// open saw, so a reader never mixes two versions of an object and never holds more than one chunk.
#include <charconv>
#include <cstring>

#include "s3_store.hpp"

namespace obscura::s3 {
namespace {

constexpr std::uint64_t kFirstChunk = 1 << 20;  // small objects (thumbnails) in one request
constexpr std::uint64_t kChunk = 4 << 20;

std::string rangeHeader(std::uint64_t from, std::uint64_t toExclusive) {
    return "Range: bytes=" + std::to_string(from) + "-" + std::to_string(toExclusive - 1);
}

// "bytes 0-99/1234" → 1234.
std::optional<std::uint64_t> totalFromContentRange(const std::string& value) {
    const std::size_t slash = value.rfind('/');
    if (slash == std::string::npos) return std::nullopt;
    std::uint64_t total = 0;
    const char* begin = value.data() + slash + 1;
    const auto [end, ec] = std::from_chars(begin, value.data() + value.size(), total);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return total;
}

class S3Reader final : public blobs::BlobReader {
public:
    S3Reader(S3BlobStore& store, std::string key, blobs::BlobInfo info, std::uint64_t next, std::uint64_t end,
             std::string first)
        : store_(store),
          key_(std::move(key)),
          info_(std::move(info)),
          next_(next),
          end_(end),
          buffer_(std::move(first)) {
        next_ += buffer_.size();
    }

    const blobs::BlobInfo& info() const override { return info_; }
    std::uint64_t remaining() const override { return (buffer_.size() - pos_) + (end_ - next_); }

    Expected<std::size_t> read(char* out, std::size_t capacity) override {
        if (pos_ == buffer_.size()) {
            if (next_ >= end_) return std::size_t{0};
            if (auto fetched = fetch(); !fetched) return fetched.error();
        }
        const std::size_t n = std::min(capacity, buffer_.size() - pos_);
        std::memcpy(out, buffer_.data() + pos_, n);
        pos_ += n;
        return n;
    }

private:
    Status fetch() {
        const std::uint64_t to = std::min(end_, next_ + kChunk);
        S3Request req;
        req.key = key_;
        req.headers = {rangeHeader(next_, to), "If-Match: " + info_.etag};
        req.maxResponseBytes = static_cast<std::size_t>(to - next_);
        req.reserveResponse = true;
        req.longTransfer = true;
        auto r = store_.client().perform(req);
        if (!r) return r.error();
        if (r->status == 412) return conflict("blob changed while it was read");
        if (r->status != 206 || r->body.size() != to - next_) return responseError(*r, "blob read");
        store_.observe("read", true, 0, r->body.size());
        buffer_ = std::move(r->body);
        pos_ = 0;
        next_ = to;
        return {};
    }

    S3BlobStore& store_;
    std::string key_;
    blobs::BlobInfo info_;
    std::uint64_t next_;  // absolute offset of the first byte not yet fetched
    std::uint64_t end_;   // absolute end of the range (exclusive)
    std::string buffer_;
    std::size_t pos_ = 0;
};

}  // namespace

Expected<std::unique_ptr<blobs::BlobReader>> openS3Reader(S3BlobStore& store, std::string fullKey,
                                                          const blobs::BlobRange& range) {
    const std::uint64_t wanted = range.length ? std::min(*range.length, kFirstChunk) : kFirstChunk;
    S3Request req;
    req.key = fullKey;
    if (wanted > 0) req.headers.push_back(rangeHeader(range.offset, range.offset + wanted));
    req.maxResponseBytes = static_cast<std::size_t>(wanted);
    req.reserveResponse = true;
    S3Response response;
    if (wanted > 0) {
        auto r = store.client().perform(req);
        if (!r) return r.error();
        response = std::move(*r);
    }
    if (response.status == 404) return notFound("no blob at that key");
    if (wanted == 0 || response.status == 416) {
        // An empty range, or one starting at or past the end (S3 also answers 416 for any range of an empty
        // object): the size from a HEAD tells an empty reader from an invalid range.
        S3Request head;
        head.method = "HEAD";
        head.key = fullKey;
        auto h = store.client().perform(head);
        if (!h) return h.error();
        if (h->status == 404) return notFound("no blob at that key");
        if (h->status != 200) return responseError(*h, "blob open");
        const std::uint64_t size = std::stoull("0" + h->header("content-length"));
        if (range.offset > size) return invalid("blob range starts past the end");
        return std::unique_ptr<blobs::BlobReader>(std::make_unique<S3Reader>(
            store, std::move(fullKey), infoFromHeaders(*h, size), range.offset, range.offset, std::string()));
    }
    if (response.status != 206 && response.status != 200) return responseError(response, "blob open");
    std::uint64_t total = 0;
    if (response.status == 206) {
        const auto t = totalFromContentRange(response.header("content-range"));
        if (!t) return internalError("blob open: S3 sent no usable Content-Range");
        total = *t;
    } else {
        total = response.body.size();  // the whole object: the store ignored the range
        if (range.offset > 0) response.body.erase(0, static_cast<std::size_t>(std::min(range.offset, total)));
    }
    const std::uint64_t end = range.length ? std::min(total, range.offset + *range.length) : total;
    if (response.body.size() > end - range.offset) response.body.resize(static_cast<std::size_t>(end - range.offset));
    auto info = infoFromHeaders(response, total);
    return std::unique_ptr<blobs::BlobReader>(std::make_unique<S3Reader>(store, std::move(fullKey), std::move(info),
                                                                         range.offset, end, std::move(response.body)));
}

}  // namespace obscura::s3
