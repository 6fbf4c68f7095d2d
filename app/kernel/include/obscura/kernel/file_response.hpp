#pragma once
// A file on disk answered as HTTP wants a served file answered (RFC 9110): validators (ETag, Last-Modified)
// and the conditionals they allow (If-None-Match, If-Modified-Since → 304), one byte range (Range, If-Range
// → 206, or 416 past the end; several ranges get the whole file), Content-Disposition. Originals, derivatives,
// conversions, avatars and the web UI's files all go through here. The bytes themselves are streamed by the
// HTTP layer (Response::file); nothing is read here but the file's metadata.
//
// Either a path (the web UI's own files) or a blob: `store` + `key`. A blob whose store has a local file
// (blobs.plugin = local) is sent from that file exactly as a path is; any other is stat'ed, then opened for the
// one range wanted and streamed from the store's reader (Response::blob) — its tag is the store's ETag.
//
//   return FileResponse{.store = &blobs, .key = k, .contentType = "image/webp", .cacheControl = "private, no-cache"}
//       .answer(req, notFound("no avatar yet"));
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura {

namespace blobs {
class BlobStore;
}

struct FileResponse {
    std::string path{};
    blobs::BlobStore* store = nullptr;  // with key: a blob instead of path
    std::string key{};
    std::string contentType{};
    std::string cacheControl{};
    // A strong entity tag, with its quotes. Empty: made from the file's size and modification time, so a
    // file rewritten in place (a redone conversion, a new avatar) is new bytes to every cache.
    std::string etag{};
    // Seconds since the epoch. nullopt: the file's modification time.
    std::optional<std::int64_t> lastModified{};
    std::string disposition{};  // Content-Disposition; "" = none (shown inline)
    // `Content-Security-Policy: sandbox`: a served file that is also valid HTML can never run as a page of
    // ours. Only the web UI's own files turn it off.
    bool sandbox = true;
    // Told how many bytes the body will carry, when it carries any (not HEAD, 304 or 416): bandwidth
    // accounting. Counted when the response is made, so a client that leaves mid-download counts in full.
    std::function<void(std::uint64_t)> countBody{};

    // `missing` when `path` is not a regular file (or `key` not in the store); Internal when it cannot be looked at
    // (the store's own error when it is unreachable: 503).
    Expected<Response> answer(const Request& req, Error missing) const;
};

}  // namespace obscura
