#pragma once
// The handler of images' per-upload job (images::kDerivativesJob): thumbnail and preview for every asset, and
// the browser-playable MP4 for videos. The original is read through the blob store (its own file with the local
// store, else a temp copy), outputs are written to private temp files and put into the store under
// derived/<owner>/<asset>/<kind>.<ext>: a put is atomic, so a rerun after a crash replaces rather than duplicates,
// and a dead attempt leaves only files in work/, swept at start.
#include <optional>
#include <string>
#include <vector>

#include "ffmpeg_runner.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "raw_renderer.hpp"
#include "vips_engine.hpp"

namespace obscura {
class Bus;
namespace blobs {
class BlobStore;
}
}  // namespace obscura
namespace obscura::images {
class AssetSource;
struct SourceAsset;
}  // namespace obscura::images

namespace obscura::media {

struct MediaTools {
    images::AssetSource& assets;
    Bus& bus;
    blobs::BlobStore& blobs;
    std::string tmpDir;  // <dataDir>/work: originals copied from a remote store, outputs before their put
    VipsEngine vips;
    std::optional<FfmpegRunner> ffmpeg;  // nullopt when ffmpeg is not installed: videos fail with a reason
    std::optional<RawRenderer> raw;      // nullopt when obscura-raw is missing: camera RAW photos fail with a reason
};

Expected<std::string> runDerivativesJob(MediaTools& tools, JobContext& job);

// The derivative.created / derivative.failed events (kind: thumbnail, preview, video or a conversion format). The
// state of tracked kinds is recorded on the asset before (AssetSource::recordDerivatives), never by these.
void announceCreated(MediaTools& tools, const images::SourceAsset& asset, const std::string& kind, int version);
void announceFailed(MediaTools& tools, const images::SourceAsset& asset, const std::vector<std::string>& kinds,
                    const std::string& reason);

// False when the asset was deleted while a job worked on it; its derivatives are then removed from the store, so
// what the job just wrote is no stray. True when it is there, or unknown (a database hiccup: fsck reports strays).
bool stillThere(MediaTools& tools, const images::SourceAsset& asset);

// A file holding the asset's original for libvips/ffmpeg (BlobFile). A missing original is Invalid: retrying
// cannot bring it back, so the job fails at once, as it did when the decoder found no file.
Expected<BlobFile> openOriginal(MediaTools& tools, const images::SourceAsset& asset);

// Publishes job.progressed for a job (state as stored, progress 0..1).
void publishProgress(Bus& bus, const storage::JobRecord& job, const std::string& state, double progress);

// How an ffmpeg run of this job is controlled: the probe's duration for its time limit, cancelled when the job's
// lease is lost, progress stored with the job and announced every 5 %.
FfmpegControl ffmpegControl(MediaTools& tools, JobContext& job, std::optional<double> durationSeconds);

}  // namespace obscura::media
