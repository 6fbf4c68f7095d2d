#pragma once
// The handler of images' per-upload job (images::kDerivativesJob): thumbnail and preview for every asset, and
// the browser-playable MP4 for videos. Idempotent: outputs are written beside their target and renamed into
// place (atomic_file.hpp), so a rerun after a crash replaces rather than duplicates, and a dead attempt leaves
// only dot-files that the next attempt clears.
#include <optional>
#include <string>
#include <vector>

#include "ffmpeg_runner.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "vips_engine.hpp"

namespace obscura {
class Bus;
}
namespace obscura::images {
class AssetSource;
struct SourceAsset;
}  // namespace obscura::images

namespace obscura::media {

struct MediaTools {
    images::AssetSource& assets;
    Bus& bus;
    VipsEngine vips;
    std::optional<FfmpegRunner> ffmpeg;  // nullopt when ffmpeg is not installed: videos fail with a reason
};

Expected<std::string> runDerivativesJob(MediaTools& tools, JobContext& job);

// Removes the dot-files a killed attempt left in an asset's derivatives folder ("." + name + ".tmp-…").
void clearDeadAttempts(const std::string& derivedDir);

// The derivative.created / derivative.failed events (kind: thumbnail, preview, video or a conversion format). The
// state of tracked kinds is recorded on the asset before (AssetSource::recordDerivatives), never by these.
void announceCreated(MediaTools& tools, const images::SourceAsset& asset, const std::string& kind, int version);
void announceFailed(MediaTools& tools, const images::SourceAsset& asset, const std::vector<std::string>& kinds,
                    const std::string& reason);

// False when the asset was deleted while a job worked on it; its derivatives folder is then removed, so what the
// job just wrote is no stray. True when it is there, or unknown (a database hiccup: fsck reports strays).
bool stillThere(MediaTools& tools, const images::SourceAsset& asset);

// Publishes job.progressed for a job (state as stored, progress 0..1).
void publishProgress(Bus& bus, const storage::JobRecord& job, const std::string& state, double progress);

// How an ffmpeg run of this job is controlled: the probe's duration for its time limit, cancelled when the job's
// lease is lost, progress stored with the job and announced every 5 %.
FfmpegControl ffmpegControl(MediaTools& tools, JobContext& job, std::optional<double> durationSeconds);

}  // namespace obscura::media
