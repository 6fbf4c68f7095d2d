#pragma once
// ffmpeg as a contained subprocess (obscura/kernel/subprocess.hpp) for video derivatives and conversions. The
// input is named `file:<absolute path>` so no part of a path can read as a protocol or an option; the demuxer is
// forced from our own sniff (`-f mov` for MP4/MOV, `-f matroska` for MKV/WebM — never hls, concat or ffconcat,
// never ffmpeg's guess), and `-protocol_whitelist file` is a second wall should a demuxer try to open anything
// else. Each run has CPU, address-space and output-size limits, a wall-clock limit, and dies on cancellation.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::media {

struct FfmpegOptions {
    std::string executable = "ffmpeg";  // a name on PATH or an absolute path
    int threads = 1;                    // per run: the job pool already runs one conversion per core
    std::chrono::seconds posterTimeout{60};
    // Transcodes get max(minTranscodeTimeout, duration × transcodeTimePerMediaSecond), capped by the max; an
    // unknown duration gets the max.
    std::chrono::seconds minTranscodeTimeout{300};
    double transcodeTimePerMediaSecond = 20;
    std::chrono::seconds maxTranscodeTimeout{4 * 3600};
    rlim_t addressSpaceBytes = 4ull << 30;  // ffmpeg maps ~0.6 GiB of libraries; x264 at 720p needs a few hundred MB
    rlim_t maxOutputBytes = 8ull << 30;     // RLIMIT_FSIZE: no output (or stray file) grows beyond this
};

// Per run: what the caller knows and wants to hear.
struct FfmpegControl {
    std::optional<double> durationSeconds;   // from the upload's probe: progress fraction and time limits
    std::function<void(double)> onProgress;  // 0..1, from `-progress pipe:1`; called on the running thread
    const std::atomic<bool>* cancelFlag = nullptr;
    std::function<bool()> cancelRequested;  // e.g. [&] { return !jobContext.stillOwned(); }
};

enum class FfmpegOperation { Poster, Mp4, Mp3 };

class FfmpegRunner {
public:
    // Resolves the executable once. Unavailable when ffmpeg is not installed.
    static Expected<FfmpegRunner> create(FfmpegOptions options = {});

    // One frame at ~1 s (the first frame for videos under 2 s) as a PNG, rotation applied — the source the
    // vips engine turns into the thumbnail and preview.
    Status posterFrame(const std::string& input, std::string_view sniffedType, const std::string& targetPng,
                       const FfmpegControl& control = {}) const;
    // Browser-playable MP4: H.264 (yuv420p) + AAC, fitting 1280×720 (720×1280 upright), even dimensions,
    // `+faststart`, no metadata carried over (phones put GPS there).
    Status transcodeMp4(const std::string& input, std::string_view sniffedType, const std::string& targetMp4,
                        const FfmpegControl& control = {}) const;
    // The first audio track as MP3, 192 kb/s CBR. Invalid (reason "no_audio") when there is no audio track.
    Status extractMp3(const std::string& input, std::string_view sniffedType, const std::string& targetMp3,
                      const FfmpegControl& control = {}) const;

    // The argument vector of a run (for tests and logs): nothing goes through a shell. `demuxer` must be one of
    // "mov" or "matroska".
    std::vector<std::string> arguments(FfmpegOperation operation, const std::string& input, std::string_view demuxer,
                                       const std::string& output, double posterSeconds = 1.0) const;

    // The demuxer we force for a sniffed video type: "mp4"/"mov" → "mov", "webm"/"mkv" → "matroska".
    // Internal for anything else: it is a routing bug to send a non-video (or an unsniffed file) here.
    static Expected<std::string> demuxerFor(std::string_view sniffedType);

private:
    FfmpegRunner(FfmpegOptions options, std::string executable)
        : options_(std::move(options)), executable_(std::move(executable)) {}
    Status run(FfmpegOperation operation, const std::string& input, std::string_view sniffedType,
               const std::string& target, const FfmpegControl& control, double posterSeconds) const;

    FfmpegOptions options_;
    std::string executable_;
};

}  // namespace obscura::media
