#include "upload/upload_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "access/access_service.hpp"
#include "albums/album_service.hpp"
#include "assets/asset_json.hpp"
#include "assets/asset_metadata.hpp"
#include "library/library_layout.hpp"
#include "obscura/auth/quota.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/formats/sha1.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/circuit_registry.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "upload/asset_importer.hpp"
#include "upload/sidecar_metadata.hpp"
#include "upload/upload_sink.hpp"

namespace obscura::images {

namespace {

// A multipart body is larger than its file by the framing and the other fields. The check before the body
// lets this much through; the exact check is made on the file's own bytes while they stream and at commit.
constexpr std::int64_t kFramingAllowance = 256 * 1024;

}  // namespace

std::optional<std::int64_t> contentLength(const Request& req) {
    auto header = req.headers.get("Content-Length");
    if (!header) return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), value);
    if (ec != std::errc() || end != header->data() + header->size() || value < 0) return std::nullopt;
    return value;
}

namespace {

// Immich's x-immich-checksum (DESIGN.md section 10): the SHA-1 of the file the client is about to send. When the
// caller already has an asset with those bytes, the answer is Immich's duplicate, chosen before a byte of the body
// is read; nullopt when the header is absent, unreadable (the upload then goes ahead and dedups after the bytes)
// or names nothing the caller has.
Expected<std::optional<Response>> duplicateBeforeBody(UploadDeps& deps, const Request& req) {
    auto header = req.headers.get("x-immich-checksum");
    if (!header) return std::optional<Response>();
    auto digest = formats::parseSha1Checksum(*header);
    if (!digest) return std::optional<Response>();
    OBSCURA_TRY(existing, withRepos(deps.storage, [&](storage::Repositories& repos) {
                    return repos.images().findAssetByChecksum(req.principal->userId, formats::toHex(*digest));
                }));
    if (!existing) return std::optional<Response>();
    // The album the upload was for (?albumId=: the multipart fields come with the body, which is never read): the
    // duplicate joins it, as a duplicate found after the bytes does (importCompleteFile) — 404/403 as there.
    if (auto albumId = req.queryParam("albumId"); albumId && !albumId->empty()) {
        const std::string album(*albumId);
        OBSCURA_TRY(visible, AccessService(deps.storage).visibleAlbum(req.principal->userId, album));
        OBSCURA_TRY_STATUS(requireEditor(visible));
        OBSCURA_TRY_STATUS(deps.storage.run([&](storage::Repositories& repos) {
            return joinAlbum(repos, existing->ownerId, album, existing->id, deps.jobs.clock().nowUs());
        }));
    }
    nlohmann::json body = assetJson(*existing);
    body["status"] = "duplicate";
    Response response = Response::json(200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    response.headers.set("Location", "/api/assets/" + existing->id);
    return std::optional<Response>(std::move(response));
}

}  // namespace

Expected<std::optional<std::int64_t>> remainingQuota(UploadDeps& deps, const std::string& userId,
                                                     std::optional<std::int64_t> announced, std::int64_t allowance) {
    OBSCURA_TRY(limit, deps.quota.quotaBytes(userId));
    if (!limit) return std::optional<std::int64_t>();
    OBSCURA_TRY(usage, withRepos(deps.storage, [&](storage::Repositories& repos) {
                    return repos.images().usage(userId, utcMonth(deps.jobs.clock().nowUs()));
                }));
    const std::int64_t used = usage.bytesOriginals;
    const std::int64_t remaining = *limit - used;
    if (remaining <= 0) {
        return Error(ErrorCode::QuotaExceeded, "your storage quota of " + std::to_string(*limit) + " bytes is used up");
    }
    if (announced && *announced > remaining + allowance) {
        return Error(ErrorCode::QuotaExceeded, "the upload (" + std::to_string(*announced) +
                                                   " bytes) does not fit in your storage quota (" +
                                                   std::to_string(remaining) + " bytes left)");
    }
    return std::optional<std::int64_t>(remaining);
}

Status joinAlbum(storage::Repositories& repos, const std::string& ownerId, const std::string& albumId,
                 const std::string& assetId, std::int64_t nowUs) {
    // An album deleted since the caller's check leaves the asset stored, outside any album: still a success.
    auto added = repos.albumSharing().addOwnAssets(ownerId, albumId, {assetId}, nowUs, formatRfc3339(nowUs));
    if (!added && added.error().code != ErrorCode::NotFound) return std::move(added).error();
    return {};
}

Expected<ImportedAsset> importCompleteFile(UploadDeps& deps, const std::string& userId, UploadTempFile file,
                                           const MediaType& type, const std::string& clientFileName,
                                           const UploadFields& fields, const std::string& assetId) {
    // albumId names an album the caller may add to: their own, or one they are an editor of (DESIGN.md section
    // 7) — 404 when they cannot see it, 403 when they only view it — checked before the file is kept. The asset
    // is the caller's either way: their quota (checked before the bytes and by the import), their trash.
    if (fields.albumId) {
        OBSCURA_TRY(album, AccessService(deps.storage).visibleAlbum(userId, *fields.albumId));
        OBSCURA_TRY_STATUS(requireEditor(album));
    }
    OBSCURA_TRY(imported, deps.importer.importUpload(userId, std::move(file), type, clientFileName, fields, assetId));
    const auto& asset = imported.asset;
    if (imported.created) {
        deps.bus.publish(AssetCreated{asset.id, asset.ownerId, asset.type, asset.mimeType});
        deps.jobs.wake(kDerivativesJob);
    }
    if (fields.albumId) {
        // A duplicate joins the album too: that is what the client asked for.
        OBSCURA_TRY_STATUS(deps.storage.run([&](storage::Repositories& repos) {
            return joinAlbum(repos, asset.ownerId, *fields.albumId, asset.id, deps.jobs.clock().nowUs());
        }));
    }
    return imported;
}

Expected<Response> importUploadedFile(UploadDeps& deps, const std::string& userId, UploadTempFile file,
                                      const MediaType& type, const std::string& clientFileName,
                                      const UploadFields& fields, const std::string& assetId) {
    OBSCURA_TRY(imported, importCompleteFile(deps, userId, std::move(file), type, clientFileName, fields, assetId));
    nlohmann::json body = assetJson(imported.asset);
    body["status"] = imported.created ? "created" : "duplicate";
    // A sidecar that could not be used does not fail the upload; the answer says why it was left out.
    if (!fields.sidecarIgnored.empty()) body["warnings"] = nlohmann::json::array({fields.sidecarIgnored});
    Response response = Response::json(imported.created ? 201 : 200,
                                       body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    response.headers.set("Location", "/api/assets/" + imported.asset.id);
    return response;
}

namespace {

Expected<Response> handleUpload(UploadDeps& deps, Request& req, UploadSink& sink) {
    auto fields = parseUploadFields(sink.fields());
    if (!fields) {
        sink.abort();
        return std::move(fields).error();
    }
    if (sink.sidecarTooLarge()) {
        fields->sidecarIgnored = "the sidecar was ignored: it is larger than 1 MiB";
    } else if (sink.sidecar()) {
        attachSidecar(*fields, *sink.sidecar());
    }
    // ?albumId= (read before the body, for a duplicate named by x-immich-checksum) stands for the field when the
    // body has none.
    if (auto albumId = req.queryParam("albumId"); !fields->albumId && albumId && !albumId->empty())
        fields->albumId = std::string(*albumId);
    auto file = sink.takeFile();
    if (!file) return internalError("the upload sink finished without a file");
    return importUploadedFile(deps, req.principal->userId, std::move(*file), sink.mediaType(), sink.clientFileName(),
                              *fields, sink.options().assetId);
}

}  // namespace

Route uploadRoute(UploadDeps& deps) {
    Route route{.method = Method::Post,
                .pattern = "/api/assets",
                .module = "images",
                .summary = "Upload a photo or video as multipart/form-data, file part 'assetData' (Immich)",
                .maxBodyBytes = deps.maxUploadBytes};
    auto makeSink = [&deps](Request& req) -> Expected<std::shared_ptr<UploadSink>> {
        OBSCURA_TRY_STATUS(failFastWhenOpen(deps.storeCircuit));
        const auto contentType = req.headers.get("Content-Type").value_or("");
        // A body we could not parse is refused before the quota is even looked up.
        OBSCURA_TRY_STATUS(formats::MultipartParser::boundaryFromContentType(contentType));
        UploadSinkOptions options;
        options.tmpDir = deps.tmpDir;
        OBSCURA_TRY(duplicate, duplicateBeforeBody(deps, req));
        if (duplicate) {
            // The session answers this and never reads the body.
            req.answerBeforeBody = std::make_shared<Response>(std::move(*duplicate));
            return std::shared_ptr<UploadSink>();
        }
        options.blobs = &deps.blobs;
        // The key the file gets if it holds no date of its own (then the fields' or today's month decides, as in the
        // import): a store that stages sends the parts straight there, and no copy is needed at commit.
        options.assetId = newUuid();
        options.likelyKey = [ownerId = req.principal->userId, assetId = options.assetId,
                             nowUs = deps.jobs.clock().nowUs()](const FormFields& sent, const MediaType& type) {
            auto parsed = parseUploadFields(sent);
            if (!parsed) return std::string();
            return libraryPath(ownerId, assetId, chooseTakenAt(*parsed, MediaMetadata{}, nowUs).text, type);
        };
        OBSCURA_TRY(remaining, remainingQuota(deps, req.principal->userId, contentLength(req), kFramingAllowance));
        options.remainingQuotaBytes = remaining;
        OBSCURA_TRY(sink, UploadSink::create(contentType, std::move(options)));
        return std::shared_ptr<UploadSink>(std::move(sink));
    };
    return streamedRoute<UploadSink>(std::move(route), makeSink,
                                     [&deps](Request& req, UploadSink& sink) { return handleUpload(deps, req, sink); });
}

}  // namespace obscura::images
