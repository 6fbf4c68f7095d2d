#include "conversion_job.hpp"

#include <nlohmann/json.hpp>

#include "obscura/images/asset_source.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/bus.hpp"
#include "raw_derivatives.hpp"

namespace obscura::media {

namespace {

const ConversionFormat kFormats[] = {
    {"mp3", ".mp3", "audio/mpeg", false, true},
    {"mp4", ".mp4", "video/mp4", false, true},
    {"jpeg", ".jpg", "image/jpeg", true, true},
    {"webp", ".webp", "image/webp", true, true},
};

Status convertStill(MediaTools& tools, const std::string& original, ImageKind kind, const ConversionFormat& format,
                    const std::string& target) {
    // A camera RAW converts from libraw's full-size decode: the full-size JPEG the viewer zooms into.
    OBSCURA_TRY(source, stillSource(tools.raw ? &*tools.raw : nullptr, tools.tmpDir, original, kind, true));
    OBSCURA_TRY(size, tools.vips.convert(source.path, source.kind,
                                         format.name == "jpeg" ? OutputFormat::Jpeg : OutputFormat::Webp, target,
                                         source.orientation));
    (void)size;
    return {};
}

}  // namespace

const ConversionFormat* conversionFormat(std::string_view name) {
    for (const auto& f : kFormats)
        if (f.name == name) return &f;
    return nullptr;
}

std::string conversionFileName(const ConversionFormat& format) { return "conversion" + std::string(format.extension); }

Expected<std::string> runConversionJob(MediaTools& tools, JobContext& job, const ConversionDone& done) {
    const auto& record = job.job();
    std::string formatName;
    try {
        formatName = nlohmann::json::parse(record.payload).at("format").get<std::string>();
    } catch (const std::exception&) {
        return Error(ErrorCode::Invalid, "conversion job without a format");
    }
    const ConversionFormat* format = conversionFormat(formatName);
    if (format == nullptr) return Error(ErrorCode::Invalid, "unknown conversion format " + formatName);
    OBSCURA_TRY(found, tools.assets.find(record.ownerId, record.assetId));
    if (!found) return std::string("asset gone: nothing to convert");
    const images::SourceAsset& asset = *found;

    publishProgress(tools.bus, record, storage::kJobRunning, 0);
    const std::string key = asset.derivedPrefix + "/" + conversionFileName(*format);

    auto failed = [&](Error e) -> Expected<std::string> {
        if (isFinalFailure(e, job.attempt(), record.maxAttempts)) {
            announceFailed(tools, asset, {std::string(format->name)}, e.message);
            publishProgress(tools.bus, record, storage::kJobFailed, 0);
        }
        return e;
    };

    const FfmpegControl control = ffmpegControl(tools, job, asset.durationSeconds);
    auto original = openOriginal(tools, asset);
    if (!original) return failed(std::move(original).error());
    auto pending = PendingBlob::create(tools.tmpDir, "conversion", format->extension);
    if (!pending) return failed(std::move(pending).error());
    const std::string& target = pending->path();
    const std::string& source = original->path();

    if (asset.type == "image") {
        auto kind = imageKindFromName(asset.sniffedName);
        if (!kind) return failed(kind.error());
        if (!format->forImages)
            return failed(Error(ErrorCode::Invalid, "a photo cannot be converted to " + std::string(format->name)));
        if (auto s = convertStill(tools, source, *kind, *format, target); !s) return failed(s.error());
    } else {
        if (!tools.ffmpeg) return failed(Error(ErrorCode::Invalid, "ffmpeg is not installed on the server"));
        Status s;
        if (format->name == "mp3") {
            s = tools.ffmpeg->extractMp3(source, asset.sniffedName, target, control);
        } else if (format->name == "mp4") {
            s = tools.ffmpeg->transcodeMp4(source, asset.sniffedName, target, control);
        } else {
            // A still of a video is its poster frame at full size.
            auto poster = PendingBlob::create(tools.tmpDir, "still-" + record.id, ".png");
            if (!poster) return failed(std::move(poster).error());
            s = tools.ffmpeg->posterFrame(source, asset.sniffedName, poster->path(), control);
            if (s) s = convertStill(tools, poster->path(), ImageKind::Png, *format, target);
        }
        if (!s) return failed(s.error());
    }
    if (auto put = pending->put(tools.blobs, key, {std::string(format->mimeType)}); !put) return failed(put.error());
    if (!job.stillOwned()) return unavailable("lost the job's lease");
    if (!stillThere(tools, asset)) return std::string("asset deleted while it was converted");
    announceCreated(tools, asset, std::string(format->name), job.attempt());
    publishProgress(tools.bus, record, storage::kJobSucceeded, 1);
    if (done) done(record, *format);
    return conversionFileName(*format);
}

}  // namespace obscura::media
