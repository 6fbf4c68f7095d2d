#include "download_handler.hpp"

#include <charconv>
#include <optional>

#include "assets/derivative_signal.hpp"
#include "download_file_name.hpp"
#include "library/bandwidth_meter.hpp"
#include "library/library_layout.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/content_disposition.hpp"
#include "obscura/kernel/file_response.hpp"
#include "obscura/kernel/storage_calls.hpp"
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

// The asset named by the path when the caller may see it and do `action` to it: 404 before 403.
Expected<storage::AssetRecord> visibleAsset(DownloadDeps& deps, const Request& req, AssetAction action) {
    OBSCURA_TRY(grant, deps.access.visibleAsset(req.principal->userId, std::string(req.param("id"))));
    OBSCURA_TRY_STATUS(AccessService::allow(grant, action));
    return std::move(grant.asset);
}

// The owner's bandwidth of the month counts what each response's body carries (not HEAD, 304 or 416).
std::function<void(std::uint64_t)> bandwidthOf(BandwidthMeter& meter, const std::string& ownerId) {
    return [&meter, ownerId](std::uint64_t bytes) { meter.add(ownerId, static_cast<std::int64_t>(bytes)); };
}

// With redirectTtlSeconds, a 302 to a presigned GET of `key` (the store serves Range and ETag itself). The answer
// must not be cached past the URL's life. nullopt when redirects are off or the store cannot presign: streamed.
std::optional<Response> redirectToStore(DownloadDeps& deps, const std::string& key, const std::string& contentType,
                                        const std::string& disposition) {
    if (deps.redirectTtlSeconds <= 0) return std::nullopt;
    auto presigned = deps.blobs.presignGet(key, deps.redirectTtlSeconds, {contentType, disposition});
    if (!presigned) return std::nullopt;
    Response r;
    r.status = 302;
    r.headers.set("Location", presigned->url);
    r.headers.set("Cache-Control", "private, no-store");
    return r;
}

Expected<Response> serveOriginal(DownloadDeps& deps, const Request& req) {
    OBSCURA_TRY(asset, visibleAsset(deps, req, AssetAction::Download));
    return serveOriginalOf(deps, req, asset);
}

}  // namespace

Expected<Response> serveOriginalOf(DownloadDeps& deps, const Request& req, const storage::AssetRecord& asset) {
    const Error missing(ErrorCode::NotFound, "the original file of this asset is missing", "file_missing");
    if (asset.fileMissing) return missing;
    const MediaType* type = mediaTypeByMime(asset.mimeType);
    const std::string contentType = type ? std::string(type->mimeType) : "application/octet-stream";
    std::string disposition = attachmentDisposition(downloadFileName(asset.originalFileName, asset.id, type));
    if (auto redirect = redirectToStore(deps, asset.storagePath, contentType, disposition)) return std::move(*redirect);
    return FileResponse{.store = &deps.blobs,
                        .key = asset.storagePath,
                        .contentType = contentType,
                        .cacheControl = kOriginalCache,
                        .etag = "\"" + asset.checksum + "\"",
                        .lastModified = asset.createdAtUs / 1000000,
                        .disposition = std::move(disposition),
                        .countBody = bandwidthOf(deps.bandwidth, asset.ownerId)}
        .answer(req, missing);
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
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        DerivativeSignal::waitFor(std::min(left, std::chrono::milliseconds(500)));
        OBSCURA_TRY(fresh, withRepos(deps.storage, [&](storage::Repositories& repos) {
                        return repos.images().findAsset(asset.ownerId, asset.id);
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
    if (kind == kDerivativeVideo && original.type != "video")
        return notFound("this asset is an image: it has no video");
    OBSCURA_TRY(asset, waitForDerivative(deps, original, kind, wait));
    const storage::DerivativeState& state = stateOf(asset, kind);
    const std::string what(kind);
    if (state.state == kDerivativeFailed)
        return Error(ErrorCode::NotFound, "the " + what + " of this asset could not be made", "not_ready");
    const Error notReady(ErrorCode::NotFound, "the " + what + " of this asset is not ready yet", "not_ready");
    if (state.state != kDerivativeReady) return notReady;
    const std::string key = derivedPath(asset.ownerId, asset.id, kind);
    if (auto redirect = redirectToStore(deps, key, std::string(derivedMimeType(kind)), "")) return std::move(*redirect);
    return FileResponse{.store = &deps.blobs,
                        .key = key,
                        .contentType = std::string(derivedMimeType(kind)),
                        .cacheControl = kDerivativeCache,
                        .etag = "\"" + asset.id + "-" + what + "-" + std::to_string(state.version) + "\"",
                        .lastModified = asset.createdAtUs / 1000000,
                        .countBody = bandwidthOf(deps.bandwidth, asset.ownerId)}
        .answer(req, notReady);
}

Expected<std::string_view> thumbnailKind(const Request& req) {
    auto size = req.queryParam("size");
    if (!size || *size == "thumbnail" || *size == "thumb") return std::string_view(kDerivativeThumbnail);
    if (*size == "preview") return std::string_view(kDerivativePreview);
    return badRequest("size must be thumbnail (or thumb) or preview");
}

std::vector<Route> downloadRoutes(DownloadDeps& deps) {
    return {Route{.method = Method::Get,
                  .pattern = "/api/assets/{id}/original",
                  .module = "images",
                  .summary = "The original file as uploaded: Range, ETag, Last-Modified, Content-Disposition",
                  .handler = [&deps](Request& req) { return serveOriginal(deps, req); }},
            Route{.method = Method::Get,
                  .pattern = "/api/assets/{id}/thumbnail",
                  .module = "images",
                  .summary = "Thumbnail (WebP) or preview (JPEG): ?size=thumbnail|preview, ?wait=seconds (Immich)",
                  .handler = [&deps](Request& req) -> Expected<Response> {
                      // 404 before 400: the asset is looked up before the query is judged.
                      OBSCURA_TRY(asset, visibleAsset(deps, req, AssetAction::View));
                      OBSCURA_TRY(kind, thumbnailKind(req));
                      return serveDerivative(deps, req, asset, kind);
                  }},
            Route{.method = Method::Get,
                  .pattern = "/api/assets/{id}/video",
                  .module = "images",
                  .summary = "Browser-playable MP4 of a video asset, with Range",
                  .handler = [&deps](Request& req) -> Expected<Response> {
                      OBSCURA_TRY(asset, visibleAsset(deps, req, AssetAction::View));
                      return serveDerivative(deps, req, asset, kDerivativeVideo);
                  }}};
}

}  // namespace obscura::images
