#include "download_handler.hpp"

#include "derivative_signal.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

#include "bandwidth_meter.hpp"
#include "byte_range.hpp"
#include "conditional_request.hpp"
#include "content_disposition.hpp"
#include "library_layout.hpp"
#include "obscura/base/http_date.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

constexpr const char* kOriginalCache = "private, no-cache";  // revalidated by ETag: cheap, and never stale
// Derivative URLs carry &v=<version> (asset_json.hpp), so one URL always names the same bytes.
constexpr const char* kDerivativeCache = "private, max-age=31536000, immutable";

using storage::kDerivativeFailed;
using storage::kDerivativePreview;
using storage::kDerivativeReady;
using storage::kDerivativeThumbnail;
using storage::kDerivativeVideo;

Error assetNotFound() { return notFound("asset not found"); }

Expected<storage::AssetRecord> ownedAsset(storage::Storage& storage, const Request& req) {
    const std::string id(req.param("id"));
    if (!isUuid(id)) return assetNotFound();
    std::optional<storage::AssetRecord> found;
    OBSCURA_TRY_STATUS(storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(row, repos.images().findAsset(req.principal->userId, id));
        found = std::move(row);
        return {};
    }));
    if (!found) return assetNotFound();
    return std::move(*found);
}

struct ServedFile {
    std::string path;
    std::string etag;  // with its quotes
    std::int64_t lastModified = 0;
    std::string contentType;
    std::string cacheControl;
    std::string disposition;  // "" = none (shown inline)
};

Response rangeNotSatisfiable(const Request& req, std::uint64_t size) {
    const nlohmann::json body = {
        {"error",
         {{"code", "range_not_satisfiable"},
          {"message", "the requested range starts beyond the end of the file (" + std::to_string(size) + " bytes)"},
          {"requestId", req.requestId}}}};
    Response response = Response::json(416, body.dump());
    response.headers.set("Content-Range", "bytes */" + std::to_string(size));
    return response;
}

// Counts what the response's body will carry. The count is taken when the response is made, not as bytes
// leave: a client that disconnects mid-download is counted in full (documented in docs/api.md).
void countBandwidth(BandwidthMeter& meter, const Request& req, const std::string& ownerId, std::uint64_t bytes) {
    if (req.method == Method::Head) return;
    meter.add(ownerId, static_cast<std::int64_t>(bytes));
}

Expected<Response> serveFile(BandwidthMeter& meter, const Request& req, const std::string& ownerId,
                             const ServedFile& file, Error missing) {
    struct stat st {};
    const int statErr = ::stat(file.path.c_str(), &st) == 0 ? 0 : errno;
    if (statErr != 0 || !S_ISREG(st.st_mode)) {
        if (statErr == 0 || statErr == ENOENT || statErr == ENOTDIR) return missing;
        return internalError("cannot stat " + file.path + ": " + std::strerror(statErr));
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);

    Response response;
    response.headers.set("ETag", file.etag);
    response.headers.set("Last-Modified", formatHttpDate(file.lastModified));
    response.headers.set("Cache-Control", file.cacheControl);
    if (notModified(req.headers.get("If-None-Match"), req.headers.get("If-Modified-Since"), file.etag,
                    file.lastModified)) {
        response.status = 304;
        return response;
    }
    response.headers.set("Content-Type", file.contentType);
    response.headers.set("Accept-Ranges", "bytes");
    response.headers.set("Content-Security-Policy", "sandbox");
    if (!file.disposition.empty()) response.headers.set("Content-Disposition", file.disposition);

    ByteRange range;
    if (auto header = req.headers.get("Range");
        header && ifRangeAllows(req.headers.get("If-Range"), file.etag, file.lastModified)) {
        range = parseByteRange(*header, size);
    }
    if (range.kind == ByteRange::Kind::Unsatisfiable) return rangeNotSatisfiable(req, size);
    if (range.kind == ByteRange::Kind::Partial) {
        response.status = 206;
        response.headers.set("Content-Range", "bytes " + std::to_string(range.offset) + "-" +
                                                  std::to_string(range.offset + range.length - 1) + "/" +
                                                  std::to_string(size));
        response.file = FileBody{file.path, range.offset, range.length};
        countBandwidth(meter, req, ownerId, range.length);
        return response;
    }
    response.status = 200;
    response.file = FileBody{file.path, 0, size};
    countBandwidth(meter, req, ownerId, size);
    return response;
}

Expected<Response> serveOriginal(DownloadDeps& deps, const Request& req) {
    OBSCURA_TRY(asset, ownedAsset(deps.storage, req));
    return serveOriginalOf(deps, req, asset);
}

}  // namespace

Expected<Response> serveProducedFile(BandwidthMeter& meter, const Request& req, const std::string& ownerId,
                                     const std::string& path, const std::string& contentType,
                                     const std::string& disposition, Error missing) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return missing;
    ServedFile file;
    file.path = path;
    file.etag = "\"" + std::to_string(st.st_size) + "-" + std::to_string(st.st_mtim.tv_sec) + "." +
                std::to_string(st.st_mtim.tv_nsec) + "\"";
    file.lastModified = st.st_mtim.tv_sec;
    file.contentType = contentType;
    file.cacheControl = kOriginalCache;
    file.disposition = disposition;
    return serveFile(meter, req, ownerId, file, std::move(missing));
}

Expected<Response> serveOriginalOf(DownloadDeps& deps, const Request& req, const storage::AssetRecord& asset) {
    const Error missing(ErrorCode::NotFound, "the original file of this asset is missing", "file_missing");
    if (asset.fileMissing) return missing;
    const MediaType* type = mediaTypeByMime(asset.mimeType);
    ServedFile file;
    file.path = deps.dataDir + "/" + asset.storagePath;
    file.etag = "\"" + asset.checksum + "\"";
    file.lastModified = asset.createdAtUs / 1000000;
    file.contentType = type ? std::string(type->mimeType) : "application/octet-stream";
    file.cacheControl = kOriginalCache;
    file.disposition = attachmentDisposition(downloadFileName(asset.originalFileName, asset.id, type));
    return serveFile(deps.bandwidth, req, asset.ownerId, file, missing);
}

namespace {

Expected<int> waitSeconds(const Request& req) {
    auto raw = req.queryParam("wait");
    if (!raw) return 0;
    int seconds = -1;
    auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), seconds);
    if (ec != std::errc() || end != raw->data() + raw->size() || seconds < 0 || seconds > kMaxWaitSeconds)
        return badRequest("wait must be a whole number of seconds from 0 to " + std::to_string(kMaxWaitSeconds));
    return seconds;
}

const storage::DerivativeState& stateOf(const storage::AssetRecord& asset, std::string_view kind) {
    return kind == kDerivativeThumbnail ? asset.thumbnail : kind == kDerivativePreview ? asset.preview : asset.video;
}

// ?wait=N: re-reads the row whenever the tracker records a derivative (and every 500 ms, for derivatives that
// another replica made) until this one is ready or failed, or the time is up.
Expected<storage::AssetRecord> waitForDerivative(DownloadDeps& deps, storage::AssetRecord asset, std::string_view kind,
                                                 int seconds) {
    if (seconds <= 0 || stateOf(asset, kind).state != storage::kDerivativePending) return asset;
    if (!DerivativeSignal::tryEnter()) return asset;
    struct Leave {
        ~Leave() { DerivativeSignal::leave(); }
    } leave;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        DerivativeSignal::waitFor(std::min(left, std::chrono::milliseconds(500)));
        std::optional<storage::AssetRecord> fresh;
        OBSCURA_TRY_STATUS(deps.storage.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(row, repos.images().findAsset(asset.ownerId, asset.id));
            fresh = std::move(row);
            return {};
        }));
        if (!fresh) return assetNotFound();
        asset = std::move(*fresh);
        if (stateOf(asset, kind).state != storage::kDerivativePending) break;
    }
    return asset;
}

}  // namespace

Expected<Response> serveDerivative(DownloadDeps& deps, const Request& req, const storage::AssetRecord& original,
                                   std::string_view kind) {
    OBSCURA_TRY(wait, waitSeconds(req));
    if (kind == kDerivativeVideo && original.type != "video") return notFound("this asset is an image: it has no video");
    OBSCURA_TRY(asset, waitForDerivative(deps, original, kind, wait));
    const storage::DerivativeState& state = stateOf(asset, kind);
    const std::string what(kind);
    if (state.state == kDerivativeFailed)
        return Error(ErrorCode::NotFound, "the " + what + " of this asset could not be made", "not_ready");
    const Error notReady(ErrorCode::NotFound, "the " + what + " of this asset is not ready yet", "not_ready");
    if (state.state != kDerivativeReady) return notReady;
    ServedFile file;
    file.path = deps.dataDir + "/" + derivedPath(asset.ownerId, asset.id, kind);
    file.etag = "\"" + asset.id + "-" + what + "-" + std::to_string(state.version) + "\"";
    file.lastModified = asset.createdAtUs / 1000000;
    file.contentType = std::string(derivedMimeType(kind));
    file.cacheControl = kDerivativeCache;
    return serveFile(deps.bandwidth, req, asset.ownerId, file, notReady);
}

Expected<std::string_view> thumbnailKind(const Request& req) {
    auto size = req.queryParam("size");
    if (!size || *size == "thumbnail" || *size == "thumb") return std::string_view(kDerivativeThumbnail);
    if (*size == "preview") return std::string_view(kDerivativePreview);
    return badRequest("size must be thumbnail (or thumb) or preview");
}

namespace {

Route route(std::string pattern, std::string summary, Handler handler) {
    Route r;
    r.method = Method::Get;
    r.pattern = std::move(pattern);
    r.auth = AuthPolicy::User;
    r.module = "images";
    r.summary = std::move(summary);
    r.handler = std::move(handler);
    return r;
}

}  // namespace

std::vector<Route> downloadRoutes(DownloadDeps& deps) {
    std::vector<Route> routes;
    routes.push_back(route("/api/assets/{id}/original",
                           "The original file as uploaded: Range, ETag, Last-Modified, Content-Disposition",
                           [&deps](Request& req) { return serveOriginal(deps, req); }));
    routes.push_back(route("/api/assets/{id}/thumbnail",
                           "Thumbnail (WebP) or preview (JPEG): ?size=thumbnail|preview, ?wait=seconds (Immich)",
                           [&deps](Request& req) -> Expected<Response> {
                               // 404 before 400: the asset is looked up before the query is judged.
                               OBSCURA_TRY(asset, ownedAsset(deps.storage, req));
                               OBSCURA_TRY(kind, thumbnailKind(req));
                               return serveDerivative(deps, req, asset, kind);
                           }));
    routes.push_back(route("/api/assets/{id}/video", "Browser-playable MP4 of a video asset, with Range",
                           [&deps](Request& req) -> Expected<Response> {
                               OBSCURA_TRY(asset, ownedAsset(deps.storage, req));
                               return serveDerivative(deps, req, asset, kDerivativeVideo);
                           }));
    return routes;
}

}  // namespace obscura::images
