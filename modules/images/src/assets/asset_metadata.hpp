#pragma once
// What an upload records about its file (DESIGN.md section 3): displayed dimensions, video duration, the
// exifInfo object, and when it was taken. Images are read from their headers (image_metadata.hpp), videos
// by ffprobe in a contained subprocess (video_probe.hpp).
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/formats/exif_reader.hpp"
#include "obscura/formats/video_probe.hpp"
#include "obscura/images/media_types.hpp"
#include "upload/upload_fields.hpp"

namespace obscura::images {

struct MediaMetadata {
    std::optional<std::int64_t> width;  // displayed: orientation / rotation applied
    std::optional<std::int64_t> height;
    std::optional<double> durationSeconds;
    std::string exifJson = "{}";  // the stored exifInfo object: only the keys the file had
    // When the file says it was taken: EXIF DateTimeOriginal with its offset, or a video's creation time.
    std::optional<Rfc3339> takenWithOffset;
    // EXIF DateTimeOriginal without an offset: the camera's wall clock, zone unknown ("2021-07-04T10:20:30").
    std::optional<std::string> takenLocal;
    // Apple's live-photo content identifier (a JPEG/HEIF still's XMP, a QuickTime/MP4 video's tag), upper-cased.
    std::optional<std::string> liveContentId;
};

// Errors: UnsupportedMediaType when the headers are corrupt or ffprobe refuses the video (nothing is kept).
// A video whose probe could not run (ffprobe missing or too slow) is kept without duration and dimensions,
// with a warning in the log: refusing a person's video because of our own tooling would lose it.
Expected<MediaMetadata> readMediaMetadata(const std::string& absolutePath, const MediaType& type,
                                          const formats::FfprobeOptions& probe = {});

// A still or video that may be half of a live photo (JPEG/HEIF, QuickTime/MP4): only these get pairing keys.
bool livePhotoCandidate(const MediaType& type);

// takenAt, in this order: the client's `takenAt` field; EXIF DateTimeOriginal with its offset; a video's
// creation time; EXIF DateTimeOriginal without an offset, written as UTC ("Z": DESIGN.md's form for an
// unknown zone, keeping the camera's wall-clock time); the client's `fileCreatedAt`; the upload time.
Rfc3339 chooseTakenAt(const UploadFields& fields, const MediaMetadata& metadata, std::int64_t uploadedAtUs);

// The stored exifInfo JSON (exif_json.cpp): the keys of asset_json.hpp's kExifInfoKeys that are known.
std::string exifInfoJson(const formats::ExifInfo& exif);
std::string videoInfoJson(const formats::VideoProbe& probe);
// The stored exifInfo with latitude and longitude replaced (a sidecar's location wins over the file's).
std::string exifWithLocation(const std::string& exifJson, double latitude, double longitude);

}  // namespace obscura::images
