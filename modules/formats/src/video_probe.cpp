#include "obscura/formats/video_probe.hpp"

#include <signal.h>

#include <cstring>

#include "obscura/base/utf8.hpp"
#include "obscura/kernel/subprocess.hpp"

namespace obscura::formats {
namespace {

// ffprobe's reason, fit for a client: `-v error` leaves only error lines, each prefixed with the demuxer's
// "[name @ 0x…] " and sometimes naming the input. Our path must not reach a response, so it becomes "input".
std::string describeStderr(const std::string& err, const std::string& absolutePath) {
    std::string out;
    std::size_t start = 0;
    int lines = 0;
    while (start < err.size() && lines < 2) {
        std::size_t end = err.find('\n', start);
        if (end == std::string::npos) end = err.size();
        std::string line = err.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.front() == '[') {
            auto close = line.find("] ");
            if (close != std::string::npos) line.erase(0, close + 2);
        }
        for (const std::string& name : {"file:" + absolutePath, absolutePath}) {
            for (auto at = line.find(name); at != std::string::npos; at = line.find(name, at))
                line.replace(at, name.size(), "input");
        }
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.empty()) continue;
        out += (out.empty() ? "" : "; ") + line;
        ++lines;
    }
    return cleanUtf8Text(out, 300);
}

Error badVideo(std::string why) { return {ErrorCode::UnsupportedMediaType, "not a readable video: " + std::move(why)}; }

}  // namespace

std::vector<std::string> ffprobeArguments(const std::string& executable, const std::string& absolutePath,
                                          const MediaType& type) {
    return {executable, "-v", "error", "-hide_banner",
            // Input options first: they apply to the input that follows.
            "-protocol_whitelist", "file", "-f", std::string(type.ffmpegDemuxer), "-i", "file:" + absolutePath,
            "-print_format", "json", "-show_format", "-show_streams"};
}

Expected<VideoProbe> probeVideo(const std::string& absolutePath, const MediaType& type, const FfprobeOptions& options) {
    if (type.type != AssetType::Video || type.ffmpegDemuxer.empty()) {
        return internalError("probeVideo called for non-video type '" + std::string(type.name) + "'");
    }
    if (absolutePath.empty() || absolutePath.front() != '/') return internalError("probeVideo needs an absolute path");
    SubprocessOptions sp;
    sp.environment = {"LC_ALL=C"};
    sp.timeout = options.timeout;
    sp.cpuSeconds = options.cpuSeconds;
    sp.addressSpaceBytes = options.addressSpaceBytes;
    sp.fileSizeBytes = 0;  // a prober writes no files
    sp.openFiles = 64;
    sp.maxStdoutBytes = options.maxOutputBytes;
    sp.killOnStdoutOverflow = true;  // truncated JSON is no JSON
    OBSCURA_TRY(run, runSubprocess(ffprobeArguments(options.executable, absolutePath, type), sp));
    if (run.timedOut) {
        return Error(ErrorCode::Unavailable,
                     "ffprobe did not finish within " + std::to_string(options.timeout.count()) + " ms");
    }
    if (run.stdoutOverflow) {
        return badVideo("ffprobe output exceeded " + std::to_string(options.maxOutputBytes) + " bytes");
    }
    if (run.signal == SIGXCPU) return badVideo("ffprobe exceeded its CPU limit");
    if (run.signal == SIGKILL) return badVideo("ffprobe was killed at its CPU or memory limit");
    if (run.signal != 0) return badVideo(std::string("ffprobe died of signal ") + ::strsignal(run.signal));
    if (run.exitCode != 0) {
        std::string why = describeStderr(run.errTail, absolutePath);
        return badVideo(why.empty() ? "ffprobe exited with status " + std::to_string(run.exitCode) : why);
    }
    return parseFfprobeJson(run.out);
}

bool parseIso6709(std::string_view text, double* latitude, double* longitude) {
    // Each coordinate: a sign, digits, an optional fraction. Written by us rather than with strtod so that
    // locale, hex floats, "inf" and exponents are all out of the picture.
    auto number = [&](double* out) {
        if (text.empty() || (text[0] != '+' && text[0] != '-')) return false;
        double sign = text[0] == '-' ? -1.0 : 1.0;
        text.remove_prefix(1);
        double v = 0, scale = 0;
        std::size_t digits = 0;
        while (!text.empty() && ((text[0] >= '0' && text[0] <= '9') || (text[0] == '.' && scale == 0))) {
            if (text[0] == '.') {
                scale = 1;
            } else {
                v = v * 10 + (text[0] - '0');
                if (scale != 0) scale *= 10;
                ++digits;
            }
            text.remove_prefix(1);
        }
        if (digits == 0 || digits > 15) return false;
        *out = sign * (scale != 0 ? v / scale : v);
        return true;
    };
    double lat, lon;
    if (!number(&lat) || !number(&lon)) return false;
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return false;
    *latitude = lat;
    *longitude = lon;
    return true;
}

std::optional<std::string> normaliseProbeDate(std::string_view s) {
    auto isDigits = [&](std::size_t at, std::size_t n) {
        if (at + n > s.size()) return false;
        for (std::size_t i = at; i < at + n; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
        }
        return true;
    };
    if (!isDigits(0, 4) || s.size() < 19 || s[4] != '-' || !isDigits(5, 2) || s[7] != '-' || !isDigits(8, 2) ||
        (s[10] != 'T' && s[10] != ' ') || !isDigits(11, 2) || s[13] != ':' || !isDigits(14, 2) || s[16] != ':' ||
        !isDigits(17, 2)) {
        return std::nullopt;
    }
    if (s.substr(0, 4) == "0000" || s.substr(0, 4) == "1904" || s.substr(0, 4) == "1970") {
        return std::nullopt;  // zero, QuickTime epoch and Unix epoch: "unset" as far as a date taken goes
    }
    std::string out(s.substr(0, 10));
    out += 'T';
    out.append(s.substr(11, 8));
    std::size_t at = 19;
    if (at < s.size() && s[at] == '.') {
        std::size_t end = at + 1;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
        // Keep real sub-seconds, drop ffmpeg's ".000000" padding.
        std::string_view frac = s.substr(at + 1, end - at - 1);
        while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
        if (!frac.empty()) out += "." + std::string(frac.substr(0, 6));
        at = end;
    }
    std::string_view zone = s.substr(at);
    if (zone == "Z" || zone == "z") return out + "Z";
    if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-') && isDigits(at + 1, 4)) {
        return out + std::string(zone.substr(0, 3)) + ":" + std::string(zone.substr(3, 2));
    }
    if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && isDigits(at + 1, 2) && zone[3] == ':' &&
        isDigits(at + 4, 2)) {
        return out + std::string(zone);
    }
    return std::nullopt;
}

}  // namespace obscura::formats
