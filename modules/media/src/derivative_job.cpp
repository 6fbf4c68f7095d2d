#include "derivative_job.hpp"

#include <future>
#include <memory>
#include <vector>

#include "obscura/images/asset_source.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/log.hpp"
#include "raw_derivatives.hpp"

namespace obscura::media {

namespace {

// Records the state on the asset first (synchronously: a crash after the job ends must not lose it), then tells
// everyone.
Status publishCreated(MediaTools& tools, const images::SourceAsset& asset, const std::string& kind, int version) {
    OBSCURA_TRY_STATUS(tools.assets.recordDerivative(asset, kind, true, version));
    announceCreated(tools, asset, kind, version);
    return {};
}

void publishFailed(MediaTools& tools, const images::SourceAsset& asset, const std::vector<std::string>& kinds,
                   const std::string& reason) {
    // Best effort: the job fails anyway; the event's subscriber in images writes the same state if this did not.
    std::vector<images::AssetSource::DerivativeState> failed;
    for (const auto& kind : kinds) failed.push_back({kind, false, 0});
    (void)tools.assets.recordDerivatives(asset, failed);
    announceFailed(tools, asset, kinds, reason);
}

Status makeImageDerivatives(MediaTools& tools, const images::SourceAsset& asset, const std::string& original,
                            ImageKind originalKind) {
    // A camera RAW is first rendered by obscura-raw (its embedded JPEG or a half-size decode).
    OBSCURA_TRY(source, stillSource(tools.raw ? &*tools.raw : nullptr, tools.tmpDir, original, originalKind, false));
    OBSCURA_TRY(preview, PendingBlob::create(tools.tmpDir, "preview", ".jpg"));
    OBSCURA_TRY(thumbnail, PendingBlob::create(tools.tmpDir, "thumbnail", ".webp"));
    OBSCURA_TRY(sizes, tools.vips.makePreviewAndThumbnail(source.path, source.kind, preview.path(), thumbnail.path(),
                                                          source.orientation));
    std::string previewKey = asset.derivedPrefix + "/";
    std::string thumbnailKey = previewKey;
    previewKey += images::kPreviewFile;
    thumbnailKey += images::kThumbnailFile;
    if (tools.blobs.localPath(previewKey)) {
        OBSCURA_TRY_STATUS(preview.put(tools.blobs, previewKey, {"image/jpeg"}));
        OBSCURA_TRY_STATUS(thumbnail.put(tools.blobs, thumbnailKey, {"image/webp"}));
    } else {
        // A remote store: each put is a round trip that mostly waits, so both go at once (a local put is a rename).
        auto previewPut =
            std::async(std::launch::async, [&] { return preview.put(tools.blobs, previewKey, {"image/jpeg"}); });
        Status thumbnailPut = thumbnail.put(tools.blobs, thumbnailKey, {"image/webp"});
        OBSCURA_TRY_STATUS(previewPut.get());
        OBSCURA_TRY_STATUS(std::move(thumbnailPut));
    }
    // Photos only (a video's poster frame is no duplicate of anything): the hash of the thumbnail's pixels, taken
    // while they were in memory. Before the derivatives are recorded ready, so "ready and no hash" means only an
    // asset older than hashing — the backfill's list.
    if (asset.type == "image") OBSCURA_TRY_STATUS(tools.assets.recordPerceptualHash(asset, sizes.hashes.dct));
    return {};
}

}  // namespace

void announceCreated(MediaTools& tools, const images::SourceAsset& asset, const std::string& kind, int version) {
    images::DerivativeCreated e;
    e.assetId = asset.id;
    e.ownerId = asset.ownerId;
    e.kind = kind;
    e.version = version;
    tools.bus.publish(std::move(e));
}

void announceFailed(MediaTools& tools, const images::SourceAsset& asset, const std::vector<std::string>& kinds,
                    const std::string& reason) {
    for (const auto& kind : kinds) {
        images::DerivativeFailed e;
        e.assetId = asset.id;
        e.ownerId = asset.ownerId;
        e.kind = kind;
        e.reason = reason;
        tools.bus.publish(std::move(e));
    }
}

bool stillThere(MediaTools& tools, const images::SourceAsset& asset) {
    auto found = tools.assets.find(asset.ownerId, asset.id);
    if (found && !*found) {
        (void)tools.blobs.removePrefix(asset.derivedPrefix + "/");
        return false;
    }
    return true;  // unknown (database hiccup): keep; fsck reports strays
}

Expected<BlobFile> openOriginal(MediaTools& tools, const images::SourceAsset& asset) {
    auto file = BlobFile::open(tools.blobs, asset.originalKey, tools.tmpDir);
    if (!file && file.error().code == ErrorCode::NotFound) {
        return Error(ErrorCode::Invalid, "the original of asset " + asset.id + " is missing", "file_missing");
    }
    return file;
}

void publishProgress(Bus& bus, const storage::JobRecord& job, const std::string& state, double progress) {
    images::JobProgressed e;
    e.jobId = job.id;
    e.assetId = job.assetId;
    e.ownerId = job.ownerId;
    e.kind = job.kind;
    e.state = state;
    e.progress = progress;
    bus.publish(std::move(e));
}

FfmpegControl ffmpegControl(MediaTools& tools, JobContext& job, std::optional<double> durationSeconds) {
    FfmpegControl control;
    control.durationSeconds = durationSeconds;
    control.cancelRequested = [&job] { return !job.stillOwned(); };
    auto reported = std::make_shared<double>(0);
    control.onProgress = [&tools, &job, reported](double f) {
        if (!job.progress(f) || f - *reported < 0.05) return;
        *reported = f;
        publishProgress(tools.bus, job.job(), storage::kJobRunning, f);
    };
    return control;
}

Expected<std::string> runDerivativesJob(MediaTools& tools, JobContext& job) {
    const auto& record = job.job();
    OBSCURA_TRY(found, tools.assets.find(record.ownerId, record.assetId));
    if (!found) return std::string("asset gone: nothing to make");
    const images::SourceAsset asset = std::move(*found);

    publishProgress(tools.bus, record, storage::kJobRunning, 0);
    const int version = job.attempt();

    std::vector<std::string> pending = {"thumbnail", "preview"};
    if (asset.type == "video") pending.push_back("video");
    auto fail = [&](Error e) -> Expected<std::string> {
        if (isFinalFailure(e, job.attempt(), job.job().maxAttempts)) {
            publishFailed(tools, asset, pending, e.message);
            publishProgress(tools.bus, record, storage::kJobFailed, 0);
        }
        return e;
    };

    auto original = openOriginal(tools, asset);
    if (!original) return fail(std::move(original).error());
    if (asset.type == "image") {
        auto kind = imageKindFromName(asset.sniffedName);
        if (!kind) return fail(kind.error());
        if (auto made = makeImageDerivatives(tools, asset, original->path(), *kind); !made) return fail(made.error());
    } else {
        if (!tools.ffmpeg) return fail(Error(ErrorCode::Invalid, "ffmpeg is not installed on the server"));
        // The poster frame goes through the same image path as a photo: one look for every thumbnail.
        auto poster = PendingBlob::create(tools.tmpDir, "poster-" + record.id, ".png");
        if (!poster) return fail(std::move(poster).error());
        const FfmpegControl control = ffmpegControl(tools, job, asset.durationSeconds);
        auto posterMade = tools.ffmpeg->posterFrame(original->path(), asset.sniffedName, poster->path(), control);
        if (!posterMade) return fail(posterMade.error());
        auto made = makeImageDerivatives(tools, asset, poster->path(), ImageKind::Png);
        if (!made) return fail(made.error());
    }
    if (!job.stillOwned()) return unavailable("lost the job's lease");
    if (!stillThere(tools, asset)) return std::string("asset deleted while its derivatives were made");
    // Both pictures (and, for a photo, "no video") recorded in one transaction, then announced.
    std::vector<images::AssetSource::DerivativeState> made = {{"thumbnail", true, version}, {"preview", true, version}};
    if (asset.type == "image") made.push_back({"video", false, 0});
    OBSCURA_TRY_STATUS(tools.assets.recordDerivatives(asset, made));
    announceCreated(tools, asset, "thumbnail", version);
    announceCreated(tools, asset, "preview", version);
    pending = {"video"};
    if (asset.type == "image") announceFailed(tools, asset, pending, "photos have no video");

    if (asset.type == "video") {
        const FfmpegControl control = ffmpegControl(tools, job, asset.durationSeconds);
        auto target = PendingBlob::create(tools.tmpDir, "video", ".mp4");
        if (!target) return fail(std::move(target).error());
        auto video = tools.ffmpeg->transcodeMp4(original->path(), asset.sniffedName, target->path(), control);
        if (!video) return fail(video.error());
        if (auto put =
                target->put(tools.blobs, asset.derivedPrefix + "/" + std::string(images::kVideoFile), {"video/mp4"});
            !put)
            return fail(std::move(put).error());
        if (!job.stillOwned()) return unavailable("lost the job's lease");
        if (!stillThere(tools, asset)) return std::string("asset deleted while its video was made");
        OBSCURA_TRY_STATUS(publishCreated(tools, asset, "video", version));
    }
    publishProgress(tools.bus, record, storage::kJobSucceeded, 1);
    return std::string(asset.type == "video" ? "thumbnail,preview,video" : "thumbnail,preview");
}

}  // namespace obscura::media
