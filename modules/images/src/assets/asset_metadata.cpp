#include "assets/asset_metadata.hpp"

#include "obscura/formats/image_metadata.hpp"
#include "obscura/formats/live_photo_id.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::images {

namespace {

std::optional<Rfc3339> asUtc(const std::string& localTime) { return parseRfc3339(localTime + "Z"); }

}  // namespace

bool livePhotoCandidate(const MediaType& type) {
    const std::string_view mime = type.mimeType;
    return mime == "image/jpeg" || mime == "image/heic" || mime == "image/heif" || mime == "video/quicktime" ||
           mime == "video/mp4";
}

Expected<MediaMetadata> readMediaMetadata(const std::string& absolutePath, const MediaType& type,
                                          const formats::FfprobeOptions& probeOptions) {
    MediaMetadata out;
    if (type.type == AssetType::Image) {
        OBSCURA_TRY(image, formats::readImageMetadata(absolutePath, type));
        if (image.width > 0 && image.height > 0) {
            out.width = image.width;
            out.height = image.height;
        }
        out.exifJson = exifInfoJson(image.exif);
        if (image.exif.dateTimeOriginal) {
            if (image.exif.dateTimeOriginalHasOffset) {
                out.takenWithOffset = parseRfc3339(*image.exif.dateTimeOriginal);
            } else {
                out.takenLocal = *image.exif.dateTimeOriginal;
            }
        }
        if (livePhotoCandidate(type)) out.liveContentId = formats::readStillContentIdentifier(absolutePath);
        return out;
    }
    auto probe = formats::probeVideo(absolutePath, type, probeOptions);
    if (!probe) {
        if (probe.error().code != ErrorCode::Unavailable) return std::move(probe).error();
        log::warn("images: video kept without duration and dimensions: " + probe.error().message);
        return out;
    }
    if (probe->width > 0 && probe->height > 0) {
        out.width = probe->width;
        out.height = probe->height;
    }
    out.durationSeconds = probe->durationSeconds;
    out.exifJson = videoInfoJson(*probe);
    if (probe->creationTime) out.takenWithOffset = parseRfc3339(*probe->creationTime);
    out.liveContentId = probe->contentIdentifier;
    return out;
}

Rfc3339 chooseTakenAt(const UploadFields& fields, const MediaMetadata& metadata, std::int64_t uploadedAtUs) {
    if (fields.takenAt) return *fields.takenAt;
    if (metadata.takenWithOffset) return *metadata.takenWithOffset;
    if (metadata.takenLocal) {
        if (auto utc = asUtc(*metadata.takenLocal)) return *utc;
    }
    if (fields.fileCreatedAt) return *fields.fileCreatedAt;
    Rfc3339 now;
    now.utcUs = uploadedAtUs;
    now.text = formatRfc3339(uploadedAtUs);
    return now;
}

}  // namespace obscura::images
