#pragma once
// Video metadata from ffprobe, run contained (obscura/kernel/subprocess.hpp) with the demuxer forced from our own
// sniff, only the `file` protocol allowed, and the input named `file:<absolute path>` so that no part of a path can be
// read as another protocol or an option.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/formats/media_types.hpp"

namespace obscura::formats {

struct VideoProbe {
    std::string formatName;  // ffprobe's format_name ("mov,mp4,m4a,3gp,3g2,mj2")
    std::optional<double> durationSeconds;
    std::uint32_t width = 0;  // displayed: rotation applied, like images (see image_metadata.hpp)
    std::uint32_t height = 0;
    std::uint32_t storedWidth = 0;  // as coded
    std::uint32_t storedHeight = 0;
    int rotation = 0;        // clockwise degrees a player turns the picture: 0, 90, 180 or 270
    std::string videoCodec;  // "h264", "hevc", "vp9", …
    std::string audioCodec;  // "" when there is no audio stream
    // When it was recorded, RFC 3339 with an offset. Apple's com.apple.quicktime.creationdate carries the
    // local offset and is preferred; otherwise the container's creation_time, which is UTC ("Z").
    std::optional<std::string> creationTime;
    std::optional<double> latitude, longitude;  // from ISO 6709 location tags (phones write them)
    std::optional<std::string> make, model;
    // Apple's live-photo pairing key (com.apple.quicktime.content.identifier), upper-cased; see live_photo_id.hpp.
    std::optional<std::string> contentIdentifier;
};

struct FfprobeOptions {
    std::string executable = "ffprobe";  // a name on PATH or a path; tests substitute a fake
    std::chrono::milliseconds timeout{15000};
    unsigned cpuSeconds = 10;
    std::uint64_t addressSpaceBytes = 2ull << 30;  // ffprobe maps ~0.5 GiB of libraries before reading a byte
    std::size_t maxOutputBytes = 1u << 20;
};

// The argument vector used for a probe (exposed so tests can check it; nothing is passed through a shell).
std::vector<std::string> ffprobeArguments(const std::string& executable, const std::string& absolutePath,
                                          const MediaType& type);

// Probes a video that sniffed as `type` (a Video entry of the media type table). Errors:
// UnsupportedMediaType when ffprobe rejects the file, finds no video stream, crashes or floods its output
// (a bad file); Unavailable when ffprobe is missing or timed out (may succeed later); Internal otherwise.
Expected<VideoProbe> probeVideo(const std::string& absolutePath, const MediaType& type,
                                const FfprobeOptions& options = {});

// Parses `ffprobe -print_format json -show_format -show_streams` output (video_probe_json.cpp).
Expected<VideoProbe> parseFfprobeJson(std::string_view json);

// ISO 6709 "+DD.DDDD+DDD.DDDD[+AAA.AAA]/" as latitude, longitude; false when malformed or out of range.
bool parseIso6709(std::string_view text, double* latitude, double* longitude);

// ffprobe's date tags as RFC 3339: "2021-07-04T08:20:30.000000Z" → "2021-07-04T08:20:30Z",
// "2021-07-04T10:20:30+0200" → "2021-07-04T10:20:30+02:00". nullopt when not such a date.
std::optional<std::string> normaliseProbeDate(std::string_view text);

}  // namespace obscura::formats
