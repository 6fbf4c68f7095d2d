#include "ffmpeg_runner.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>

#include "atomic_file.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/subprocess.hpp"

namespace obscura::media {
namespace {

// Fits 1280×720 in the video's own orientation (a portrait phone video becomes 720×1280), never enlarges, and
// rounds down to even sizes (yuv420p needs them). ffmpeg has already applied the rotation when this runs; the
// quotes protect the commas from the filtergraph parser (there is no shell).
constexpr const char* kScale720 =
    "scale=w='if(gte(iw,ih),min(1280,iw),min(720,iw))':h='if(gte(iw,ih),min(720,ih),min(1280,ih))'"
    ":force_original_aspect_ratio=decrease:force_divisible_by=2,format=yuv420p";

const char* operationName(FfmpegOperation op) {
    switch (op) {
        case FfmpegOperation::Poster:
            return "poster frame";
        case FfmpegOperation::Mp4:
            return "MP4 conversion";
        case FfmpegOperation::Mp3:
            return "MP3 extraction";
    }
    return "ffmpeg run";
}

// Reads `-progress pipe:1` (key=value lines, in chunks that may split a line) into a 0..1 fraction.
class ProgressParser {
public:
    ProgressParser(std::optional<double> duration, std::function<void(double)> sink)
        : duration_(duration), sink_(std::move(sink)) {}

    void feed(std::string_view chunk) {
        if (!sink_) return;
        pending_.append(chunk);
        std::size_t start = 0;
        for (std::size_t nl; (nl = pending_.find('\n', start)) != std::string::npos; start = nl + 1) {
            line(std::string_view(pending_).substr(start, nl - start));
        }
        pending_.erase(0, start);
        if (pending_.size() > 4096) pending_.clear();  // no sane progress line is this long
    }

private:
    void line(std::string_view l) {
        if (l == "progress=end") return report(1.0);
        constexpr std::string_view kKey = "out_time_us=";
        if (l.substr(0, kKey.size()) != kKey || !duration_ || *duration_ <= 0) return;
        char* end = nullptr;
        std::string value(l.substr(kKey.size()));
        long long us = std::strtoll(value.c_str(), &end, 10);
        if (end == value.c_str() || us < 0) return;  // "N/A" before the first frame
        report(std::min(0.999, static_cast<double>(us) / (*duration_ * 1e6)));
    }
    void report(double fraction) {
        // Only forward real steps (1 %): each report may become a database write and an SSE event.
        if (fraction < 1.0 && fraction - last_ < 0.01) return;
        last_ = fraction;
        sink_(fraction);
    }

    std::optional<double> duration_;
    std::function<void(double)> sink_;
    std::string pending_;
    double last_ = -1;
};

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) {
        text.replace(at, from.size(), to);
    }
}

// The end of ffmpeg's stderr (it logs at level "error", so this is the reason), on one line, with our server's
// paths removed: job errors are shown to users.
std::string reasonFrom(std::string tail, const std::string& input, const std::string& output) {
    replaceAll(tail, "file:" + input, "input");
    replaceAll(tail, input, "input");
    replaceAll(tail, "file:" + output, "output");
    replaceAll(tail, output, "output");
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < tail.size()) {
        auto nl = tail.find('\n', start);
        std::string l = tail.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        // "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x5561…] moov atom not found": the component and its address say nothing
        if (l.size() > 2 && l[0] == '[') {
            auto close = l.find("] ");
            if (close != std::string::npos && l.find(" @ 0x") < close) l.erase(0, close + 2);
        }
        if (!l.empty() && l.find_first_not_of(" \r\t") != std::string::npos) lines.push_back(l);
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    std::string out;
    for (std::size_t i = lines.size() > 3 ? lines.size() - 3 : 0; i < lines.size(); ++i) {
        if (!out.empty()) out += "; ";
        out += lines[i];
    }
    if (out.size() > 400) out = "…" + out.substr(out.size() - 400);
    return out.empty() ? "no error message" : out;
}

}  // namespace

Expected<std::string> FfmpegRunner::demuxerFor(std::string_view sniffedType) {
    const images::MediaType* type = images::mediaTypeByName(sniffedType);
    if (!type || type->type != images::AssetType::Video) {
        return internalError("no forced ffmpeg demuxer for '" + std::string(sniffedType) +
                             "': not a sniffed video type");
    }
    // The allowlist is here, not only in the table: whatever the table says, ffmpeg never gets a demuxer that
    // follows references to other files or URLs (hls, concat, ffconcat, …).
    if (type->ffmpegDemuxer != "mov" && type->ffmpegDemuxer != "matroska") {
        return internalError("refusing ffmpeg demuxer '" + std::string(type->ffmpegDemuxer) + "'");
    }
    return std::string(type->ffmpegDemuxer);
}

Expected<FfmpegRunner> FfmpegRunner::create(FfmpegOptions options) {
    OBSCURA_TRY(path, findExecutableOnPath(options.executable, SubprocessOptions{}.path));
    return FfmpegRunner(std::move(options), std::move(path));
}

std::vector<std::string> FfmpegRunner::arguments(FfmpegOperation operation, const std::string& input,
                                                 std::string_view demuxer, const std::string& output,
                                                 double posterSeconds) const {
    std::vector<std::string> a = {executable_, "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error", "-y",
                                  // Any error, a truncated or corrupt packet included, fails the run: a cut
                                  // file must fail its job, not turn into a shorter video.
                                  "-xerror", "-threads", std::to_string(std::max(1, options_.threads))};
    if (operation == FfmpegOperation::Poster && posterSeconds > 0) {
        a.insert(a.end(), {"-ss", std::to_string(posterSeconds)});  // before -i: seek the input, not the output
    }
    a.insert(a.end(), {"-protocol_whitelist", "file", "-f", std::string(demuxer), "-i", "file:" + input});
    switch (operation) {
        case FfmpegOperation::Poster:
            a.insert(a.end(), {"-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn", "-map_metadata", "-1", "-c:v",
                               "png", "-pix_fmt", "rgb24", "-compression_level", "1",
                               // image2 would read "%d" in a name as a pattern; -update writes this one file
                               "-f", "image2", "-update", "1"});
            break;
        case FfmpegOperation::Mp4:
            a.insert(a.end(),
                     {"-map",      "0:v:0",         "-map", "0:a:0?", "-sn",        "-dn",       "-map_metadata",
                      "-1",        "-map_chapters", "-1",   "-vf",    kScale720,    "-c:v",      "libx264",
                      "-preset",   "veryfast",      "-crf", "23",     "-profile:v", "high",      "-c:a",
                      "aac",       "-b:a",          "128k", "-ac",    "2",          "-movflags", "+faststart",
                      "-progress", "pipe:1",        "-f",   "mp4"});
            break;
        case FfmpegOperation::Mp3:
            a.insert(a.end(), {"-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1", "-c:a", "libmp3lame",
                               "-b:a", "192k", "-progress", "pipe:1", "-f", "mp3"});
            break;
    }
    a.push_back("file:" + output);
    return a;
}

Status FfmpegRunner::posterFrame(const std::string& input, std::string_view sniffedType, const std::string& targetPng,
                                 const FfmpegControl& control) const {
    // ~1 s skips black lead-in frames; a clip shorter than 2 s gets its first frame. With the duration unknown,
    // a seek past the end yields no frame (an empty output), which the retry at 0 covers.
    double at = control.durationSeconds && *control.durationSeconds < 2.0 ? 0.0 : 1.0;
    auto first = run(FfmpegOperation::Poster, input, sniffedType, targetPng, control, at);
    if (first.ok() || at == 0.0 || first.error().reason != "no_output") return first;
    return run(FfmpegOperation::Poster, input, sniffedType, targetPng, control, 0.0);
}

Status FfmpegRunner::transcodeMp4(const std::string& input, std::string_view sniffedType, const std::string& targetMp4,
                                  const FfmpegControl& control) const {
    return run(FfmpegOperation::Mp4, input, sniffedType, targetMp4, control, 0);
}

Status FfmpegRunner::extractMp3(const std::string& input, std::string_view sniffedType, const std::string& targetMp3,
                                const FfmpegControl& control) const {
    return run(FfmpegOperation::Mp3, input, sniffedType, targetMp3, control, 0);
}

Status FfmpegRunner::run(FfmpegOperation operation, const std::string& input, std::string_view sniffedType,
                         const std::string& target, const FfmpegControl& control, double posterSeconds) const {
    if (input.empty() || input.front() != '/') return internalError("ffmpeg input must be an absolute path: " + input);
    OBSCURA_TRY(demuxer, demuxerFor(sniffedType));
    OBSCURA_TRY(pending, PendingFile::create(target));

    SubprocessOptions sub;
    sub.environment = {"LC_ALL=C"};  // stable, parseable messages
    std::chrono::seconds timeout = options_.posterTimeout;
    if (operation != FfmpegOperation::Poster) {
        timeout = options_.maxTranscodeTimeout;
        if (control.durationSeconds && *control.durationSeconds > 0) {
            auto scaled = std::chrono::seconds(
                static_cast<long long>(std::ceil(*control.durationSeconds * options_.transcodeTimePerMediaSecond)));
            timeout = std::clamp(scaled, options_.minTranscodeTimeout, options_.maxTranscodeTimeout);
        }
    }
    sub.timeout = timeout;
    // CPU time may exceed wall time by the thread count; beyond that the process is spinning, not working.
    sub.cpuSeconds = static_cast<rlim_t>(timeout.count()) * static_cast<rlim_t>(std::max(1, options_.threads) + 1);
    sub.addressSpaceBytes = options_.addressSpaceBytes;
    sub.fileSizeBytes = options_.maxOutputBytes;
    sub.openFiles = 256;
    sub.maxStdoutBytes = 64u << 10;  // progress lines only; they stream through onStdout
    sub.killOnStdoutOverflow = false;
    sub.stderrTailBytes = 8u << 10;
    sub.cancelFlag = control.cancelFlag;
    sub.cancelRequested = control.cancelRequested;
    ProgressParser progress(control.durationSeconds, control.onProgress);
    sub.onStdout = [&progress](std::string_view chunk) { progress.feed(chunk); };

    auto args = arguments(operation, input, demuxer, pending.path(), posterSeconds);
    OBSCURA_TRY(result, runSubprocess(args, sub));
    std::string what = std::string(operationName(operation)) + " failed: ";
    if (result.cancelled) return Error{ErrorCode::Unavailable, what + "cancelled", "cancelled"};
    if (result.timedOut) {
        return Error{ErrorCode::Invalid, what + "ffmpeg " + result.describe() + " (limit for this file)", "timeout"};
    }
    if (!result.succeeded()) {
        std::string reason = reasonFrom(result.errTail, input, pending.path());
        if (operation == FfmpegOperation::Mp3 && result.errTail.find("matches no streams") != std::string::npos) {
            return Error{ErrorCode::Invalid, what + "the video has no audio track", "no_audio"};
        }
        std::string how = result.signal != 0 ? "ffmpeg " + result.describe() + ": " : "";
        if (result.signal == SIGXFSZ) how = "the output passed the size limit: ";
        if (result.signal == SIGXCPU) how = "ffmpeg passed its CPU time limit: ";
        return Error{ErrorCode::Invalid, what + how + reason, "ffmpeg_failed"};
    }
    struct stat st {};
    if (::stat(pending.path().c_str(), &st) != 0 || st.st_size == 0) {
        return Error{ErrorCode::Invalid, what + "ffmpeg produced no output (no frame at that time?)", "no_output"};
    }
    return pending.commit();
}

}  // namespace obscura::media
