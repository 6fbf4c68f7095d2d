// The ffmpeg runner on real videos made by ffmpeg, checked with ffprobe.
#include "ffmpeg_runner.hpp"

#include <dirent.h>
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "media_fixtures.hpp"
#include "test_support.hpp"
#include "vips_engine.hpp"

using namespace obscura::media;
using namespace obscura::media::test;
using Clock = std::chrono::steady_clock;

namespace {

const obscura::test::TempDir& dir() {
    static obscura::test::TempDir d;
    return d;
}
std::string path(const std::string& name) { return dir() / name; }

// Test videos: testsrc + a sine tone, encoded fast. Made once per name.
std::string video(const std::string& name, const std::string& size, double seconds, bool audio = true) {
    static std::map<std::string, std::string> made;
    if (auto it = made.find(name); it != made.end()) return it->second;
    std::string ext = name.substr(name.rfind('.') + 1);
    std::vector<std::string> a = {
        "ffmpeg", "-nostdin", "-loglevel",
        "error",  "-y",       "-f",
        "lavfi",  "-i",       "testsrc=size=" + size + ":rate=25:duration=" + std::to_string(seconds)};
    if (audio) a.insert(a.end(), {"-f", "lavfi", "-i", "sine=frequency=440:duration=" + std::to_string(seconds)});
    if (ext == "webm") {
        a.insert(a.end(), {"-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"});
    } else {
        a.insert(a.end(), {"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"});
    }
    a.insert(a.end(), {"-shortest", path(name)});
    tool(a);
    return made[name] = path(name);
}

// ffprobe's view: stream fields prefixed by their type ("video.codec_name"), format fields as they are.
std::map<std::string, std::string> probe(const std::string& file) {
    std::istringstream in(
        tool({"ffprobe", "-v", "error", "-show_entries",
              "stream=codec_type,codec_name,width,height,pix_fmt:format=format_name,duration,bit_rate", "-of",
              "compact=p=0", file}));
    std::map<std::string, std::string> fields;
    for (std::string line; std::getline(in, line);) {
        std::map<std::string, std::string> section;
        std::istringstream parts(line);
        for (std::string kv; std::getline(parts, kv, '|');) {
            auto eq = kv.find('=');
            if (eq != std::string::npos) section[kv.substr(0, eq)] = kv.substr(eq + 1);
        }
        std::string prefix = section.count("codec_type") ? section["codec_type"] + "." : "";
        for (const auto& [k, v] : section) fields[prefix + k] = v;
    }
    return fields;
}

// Top-level ISO-BMFF boxes in file order.
std::vector<std::string> topLevelBoxes(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::string> boxes;
    std::size_t at = 0;
    while (at + 8 <= data.size()) {
        std::uint64_t size = 0;
        for (int i = 0; i < 4; ++i) size = (size << 8) | static_cast<unsigned char>(data[at + i]);
        boxes.push_back(data.substr(at + 4, 4));
        if (size == 1 && at + 16 <= data.size()) {
            size = 0;
            for (int i = 8; i < 16; ++i) size = (size << 8) | static_cast<unsigned char>(data[at + i]);
        }
        if (size < 8) break;
        at += size;
    }
    return boxes;
}

FfmpegRunner runner(FfmpegOptions options = {}) {
    auto r = FfmpegRunner::create(std::move(options));
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return std::move(r).value();
}

FfmpegControl lasting(double seconds) {
    FfmpegControl c;
    c.durationSeconds = seconds;
    return c;
}

void requireOk(const obscura::Status& s) { REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message)); }

bool exists(const std::string& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0;
}

// Temporary files a failed run might have left beside its target.
int strayTempFiles() {
    int n = 0;
    DIR* d = ::opendir(dir().path().c_str());
    while (auto* e = ::readdir(d)) n += std::string(e->d_name).find(".tmp-") != std::string::npos;
    ::closedir(d);
    return n;
}

}  // namespace

TEST_SUITE("media.ffmpeg_runner") {
    TEST_CASE("the demuxer is forced from our sniff and never a playlist or concat demuxer") {
        CHECK(*FfmpegRunner::demuxerFor("mp4") == "mov");
        CHECK(*FfmpegRunner::demuxerFor("mov") == "mov");
        CHECK(*FfmpegRunner::demuxerFor("webm") == "matroska");
        CHECK(*FfmpegRunner::demuxerFor("mkv") == "matroska");
        for (const char* bad : {"hls", "concat", "ffconcat", "jpeg", "", "m3u8"}) {
            CAPTURE(bad);
            auto d = FfmpegRunner::demuxerFor(bad);
            REQUIRE_FALSE(d.ok());
            CHECK(d.error().code == obscura::ErrorCode::Internal);
        }
        auto args = runner().arguments(FfmpegOperation::Mp4, "/data/in.mp4", "mov", "/data/out.mp4");
        auto at = [&](const std::string& s) { return std::find(args.begin(), args.end(), s) - args.begin(); };
        REQUIRE(at("-i") < static_cast<long>(args.size()));
        CHECK(args[at("-i") + 1] == "file:/data/in.mp4");
        CHECK(args[at("-f") + 1] == "mov");
        CHECK(at("-f") < at("-i"));
        CHECK(args[at("-protocol_whitelist") + 1] == "file");
        CHECK(at("-protocol_whitelist") < at("-i"));
        CHECK(at("-nostdin") < static_cast<long>(args.size()));
        CHECK(args.back() == "file:/data/out.mp4");
        CHECK(args.front().front() == '/');  // resolved once, absolute
    }

    TEST_CASE("poster frames from MP4, MOV, WebM and MKV feed the vips engine") {
        VipsEngine engine;
        for (const char* name : {"v.mp4", "v.mov", "v.webm", "v.mkv"}) {
            std::string nameText = name;
            CAPTURE(nameText);
            std::string input = video(name, "640x360", 3);
            std::string type = std::string(name).substr(2);
            std::string poster = path(std::string(name) + ".poster.png");
            auto start = Clock::now();
            requireOk(runner().posterFrame(input, type, poster, lasting(3.0)));
            MESSAGE(nameText << " poster in " << std::chrono::duration<double>(Clock::now() - start).count() << " s");
            CHECK(header(poster)["vips-loader"] == "pngload");
            CHECK(intField(poster, "width") == 640);
            CHECK(intField(poster, "height") == 360);
            auto sizes = engine.makePreviewAndThumbnail(poster, ImageKind::Png, poster + ".jpg", poster + ".webp");
            REQUIRE(sizes.ok());
            CHECK(sizes->preview == Size{640, 360});
            CHECK(sizes->thumbnail == Size{444, 250});
        }
    }

    TEST_CASE("a clip shorter than the poster time gets its first frame, known duration or not") {
        std::string clip = video("short.mp4", "320x240", 0.5);
        requireOk(runner().posterFrame(clip, "mp4", path("short1.png"), lasting(0.5)));
        CHECK(intField(path("short1.png"), "width") == 320);
        requireOk(runner().posterFrame(clip, "mp4", path("short2.png")));  // seeks to 1 s, finds nothing, retries
        CHECK(intField(path("short2.png"), "height") == 240);
    }

    TEST_CASE("browser MP4: H.264 + AAC, at most 720p keeping the aspect, yuv420p, moov before mdat") {
        struct Case {
            const char* name;
            const char* size;
            int width, height;
        };
        for (const Case& c : {Case{"hd.mkv", "1920x1080", 1280, 720}, Case{"portrait.mov", "1080x1920", 720, 1280},
                              Case{"small.webm", "640x480", 640, 480}}) {
            std::string c_nameText = c.name;
            CAPTURE(c_nameText);
            std::string input = video(c.name, c.size, 2);
            std::vector<double> progress;
            FfmpegControl control = lasting(2.0);
            control.onProgress = [&](double f) { progress.push_back(f); };
            std::string out = path(std::string(c.name) + ".browser.mp4");
            std::string type = std::string(c.name).substr(std::string(c.name).rfind('.') + 1);
            auto start = Clock::now();
            requireOk(runner().transcodeMp4(input, type, out, control));
            MESSAGE(c_nameText << " → MP4 in " << std::chrono::duration<double>(Clock::now() - start).count() << " s");
            auto p = probe(out);
            CHECK(p["video.codec_name"] == "h264");
            CHECK(p["audio.codec_name"] == "aac");
            CHECK(p["video.pix_fmt"] == "yuv420p");
            CHECK(std::stoi(p["video.width"]) == c.width);
            CHECK(std::stoi(p["video.height"]) == c.height);
            CHECK(std::stod(p["duration"]) == doctest::Approx(2.0).epsilon(0.1));
            auto boxes = topLevelBoxes(out);
            auto moov = std::find(boxes.begin(), boxes.end(), "moov"),
                 mdat = std::find(boxes.begin(), boxes.end(), "mdat");
            REQUIRE(moov != boxes.end());
            REQUIRE(mdat != boxes.end());
            CHECK(moov < mdat);  // +faststart: playable while downloading
            REQUIRE_FALSE(progress.empty());
            CHECK(std::is_sorted(progress.begin(), progress.end()));
            CHECK(progress.back() == 1.0);
        }
    }

    TEST_CASE("MP3: the audio track at 192 kb/s with the video's duration; no audio track fails clearly") {
        for (const char* name : {"v.mp4", "v.webm"}) {
            std::string nameText = name;
            CAPTURE(nameText);
            std::string out = path(std::string(name) + ".mp3");
            requireOk(runner().extractMp3(video(name, "640x360", 3), std::string(name).substr(2), out));
            auto p = probe(out);
            CHECK(p["format_name"] == "mp3");
            CHECK(p.count("video.codec_type") == 0);
            CHECK(p["audio.codec_name"] == "mp3");
            CHECK(p.count("video.codec_name") == 0);
            CHECK(std::stod(p["duration"]) == doctest::Approx(3.0).epsilon(0.05));
            CHECK(std::stoi(p["bit_rate"]) == doctest::Approx(192000).epsilon(0.02));
        }
        std::string silent = video("silent.mp4", "320x240", 1, false);
        auto r = runner().extractMp3(silent, "mp4", path("silent.mp3"));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == obscura::ErrorCode::Invalid);
        CHECK(r.error().reason == "no_audio");
        CHECK(r.error().message.find("no audio track") != std::string::npos);
        CHECK_FALSE(exists(path("silent.mp3")));
    }

    TEST_CASE("an MP4 cut in thirds fails quickly with a clear reason, whichever end its index is at") {
        std::string tail = video("whole.mp4", "640x360", 3);
        tool({"ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", tail, "-c", "copy", "-movflags", "+faststart",
              path("whole-faststart.mp4")});
        for (const char* source : {"whole.mp4", "whole-faststart.mp4"}) {
            std::string bytes = obscura::test::readFile(path(source));
            std::string cut = path(std::string("third-of-") + source);
            obscura::test::writeFile(cut, bytes.substr(0, bytes.size() / 3));
            for (auto op : {FfmpegOperation::Poster, FfmpegOperation::Mp4, FfmpegOperation::Mp3}) {
                std::string sourceText = source;
                CAPTURE(sourceText);
                CAPTURE(static_cast<int>(op));
                std::string out = path("cut.out");
                auto start = Clock::now();
                auto r = op == FfmpegOperation::Poster ? runner().posterFrame(cut, "mp4", out)
                         : op == FfmpegOperation::Mp4  ? runner().transcodeMp4(cut, "mp4", out)
                                                       : runner().extractMp3(cut, "mp4", out);
                double seconds = std::chrono::duration<double>(Clock::now() - start).count();
                CHECK(seconds < 10);
                // A poster needs only the first second; with the index at the front and that second intact it may
                // legitimately succeed (the MP4 job is the one that fails). Then it must be a real picture.
                if (r.ok() && op == FfmpegOperation::Poster && std::string(source) == "whole-faststart.mp4") {
                    CHECK(intField(out, "width") == 640);
                    ::unlink(out.c_str());
                    continue;
                }
                REQUIRE_FALSE(r.ok());
                CHECK(r.error().code == obscura::ErrorCode::Invalid);
                CHECK(r.error().message.find(dir().path()) == std::string::npos);  // no server paths in messages
                MESSAGE(sourceText << ": " << r.error().message << " (" << seconds << " s)");
                CHECK_FALSE(exists(out));
            }
        }
        CHECK(strayTempFiles() == 0);
    }

    TEST_CASE("cancellation, the time limit and the output size limit each stop ffmpeg") {
        std::string input = video("hd.mkv", "1920x1080", 2);
        std::atomic<bool> cancel{true};
        auto start = Clock::now();
        FfmpegControl control;
        control.cancelFlag = &cancel;
        auto cancelled = runner().transcodeMp4(input, "mkv", path("cancelled.mp4"), control);
        REQUIRE_FALSE(cancelled.ok());
        CHECK(cancelled.error().code == obscura::ErrorCode::Unavailable);  // retried later, not the file's fault
        CHECK(cancelled.error().reason == "cancelled");
        CHECK(Clock::now() - start < std::chrono::seconds(3));

        // A FIFO with no writer: ffmpeg blocks opening it, ignoring SIGTERM; only the time limit's SIGKILL ends it.
        std::string fifo = path("stuck.mp4");
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        FfmpegOptions quick;
        quick.posterTimeout = std::chrono::seconds(1);
        start = Clock::now();
        auto stuck = runner(quick).posterFrame(fifo, "mp4", path("stuck.png"));
        REQUIRE_FALSE(stuck.ok());
        CHECK(stuck.error().reason == "timeout");
        CHECK(Clock::now() - start < std::chrono::seconds(5));

        FfmpegOptions tiny;
        tiny.maxOutputBytes = 20000;
        auto big = runner(tiny).transcodeMp4(input, "mkv", path("big.mp4"));
        REQUIRE_FALSE(big.ok());
        CHECK(big.error().code == obscura::ErrorCode::Invalid);
        CHECK(big.error().message.find("size limit") != std::string::npos);
        CHECK_FALSE(exists(path("big.mp4")));
        CHECK(strayTempFiles() == 0);
    }

    TEST_CASE("bad calls are the caller's bugs; a missing ffmpeg is Unavailable") {
        auto relative = runner().posterFrame("relative.mp4", "mp4", path("r.png"));
        REQUIRE_FALSE(relative.ok());
        CHECK(relative.error().code == obscura::ErrorCode::Internal);
        auto image = runner().posterFrame(video("v.mp4", "640x360", 3), "jpeg", path("r.png"));
        REQUIRE_FALSE(image.ok());
        CHECK(image.error().code == obscura::ErrorCode::Internal);
        FfmpegOptions missing;
        missing.executable = "obscura-no-such-ffmpeg";
        auto none = FfmpegRunner::create(missing);
        REQUIRE_FALSE(none.ok());
        CHECK(none.error().code == obscura::ErrorCode::Unavailable);
    }
}
