#include "obscura/formats/video_probe.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <chrono>

#include "media_fixtures.hpp"

using namespace obscura;
using namespace obscura::formats;
using obscura::images::test::MediaFixtures;

namespace {

const MediaType& type(std::string_view name) { return *mediaTypeByName(name); }

VideoProbe probe(const std::string& fixture, std::string_view typeName) {
    auto p = probeVideo(MediaFixtures::get().path(fixture), type(typeName));
    REQUIRE_MESSAGE(p.ok(), p.error().message);
    return *p;
}

// A stand-in ffprobe: a script run directly by execve (its #! line), never through a shell of ours.
std::string fakeProbe(const obscura::test::TempDir& dir, const std::string& body) {
    std::string path = dir / "fake-ffprobe";
    obscura::test::writeFile(path, "#!/bin/sh\n" + body + "\n");
    ::chmod(path.c_str(), 0700);
    return path;
}

}  // namespace

TEST_SUITE("images.video_probe") {
    TEST_CASE("MP4, MOV, WebM and MKV made by ffmpeg are probed for size, duration and codecs") {
        for (auto [file, t, codec] :
             std::vector<std::tuple<std::string, std::string, std::string>>{{"video.mp4", "mp4", "h264"},
                                                                            {"video.mov", "mov", "h264"},
                                                                            {"video.webm", "webm", "vp8"},
                                                                            {"video.mkv", "mkv", "h264"}}) {
            CAPTURE(file);
            auto p = probe(file, t);
            CHECK(p.width == 64);
            CHECK(p.height == 48);
            CHECK(p.rotation == 0);
            CHECK(p.videoCodec == codec);
            REQUIRE(p.durationSeconds);
            CHECK(*p.durationSeconds == doctest::Approx(1.0).epsilon(0.1));
        }
    }

    TEST_CASE("audio codec, creation time and location tags are read") {
        auto p = probe("video.mov", "mov");
        CHECK(p.audioCodec == "aac");
        CHECK(p.creationTime == "2021-07-04T08:20:30Z");
        CHECK(p.latitude.value_or(0) == doctest::Approx(52.52));
        CHECK(p.longitude.value_or(0) == doctest::Approx(13.405));
        CHECK(probe("video.mp4", "mp4").audioCodec.empty());
    }

    TEST_CASE("a rotated video reports its rotation and its displayed size") {
        auto p = probe("rotated.mp4", "mp4");
        CHECK((p.rotation == 90 || p.rotation == 270));
        CHECK(p.width == 48);
        CHECK(p.height == 64);
        CHECK(p.storedWidth == 64);
    }

    TEST_CASE("a truncated MP4 is refused as unreadable, naming ffprobe's reason") {
        auto p = probeVideo(MediaFixtures::get().path("truncated.mp4"), type("mp4"));
        REQUIRE_FALSE(p.ok());
        CHECK(p.error().code == ErrorCode::UnsupportedMediaType);
        CHECK_MESSAGE(p.error().message.find("moov atom not found") != std::string::npos, p.error().message);
        // Our file system layout is nobody's business: the path is not echoed.
        CHECK(p.error().message.find(MediaFixtures::get().path("")) == std::string::npos);
        CHECK(p.error().message.find("input: Invalid data") != std::string::npos);
    }

    TEST_CASE("the demuxer is forced: a non-video file is refused rather than guessed") {
        auto jpeg = probeVideo(MediaFixtures::get().path("plain.jpg"), type("mp4"));
        REQUIRE_FALSE(jpeg.ok());
        CHECK(jpeg.error().code == ErrorCode::UnsupportedMediaType);
        auto webmAsMov = probeVideo(MediaFixtures::get().path("video.webm"), type("mov"));
        REQUIRE_FALSE(webmAsMov.ok());
        CHECK(webmAsMov.error().code == ErrorCode::UnsupportedMediaType);
    }

    TEST_CASE("an audio-only file has no video stream and is refused") {
        auto p = probeVideo(MediaFixtures::get().path("audio.m4a"), type("mp4"));
        REQUIRE_FALSE(p.ok());
        CHECK(p.error().code == ErrorCode::UnsupportedMediaType);
        CHECK(p.error().message.find("no video stream") != std::string::npos);
    }

    TEST_CASE("the argument vector forces the demuxer, whitelists file: and names the input file:<path>") {
        auto args = ffprobeArguments("ffprobe", "/data/tmp/upload-1.part", type("webm"));
        std::vector<std::string> expected = {
            "ffprobe",       "-v",   "error",        "-hide_banner", "-protocol_whitelist",
            "file",          "-f",   "matroska",     "-i",           "file:/data/tmp/upload-1.part",
            "-print_format", "json", "-show_format", "-show_streams"};
        CHECK(args == expected);
        CHECK(ffprobeArguments("ffprobe", "/x", type("mp4"))[7] == "mov");
    }

    TEST_CASE("a relative path or an image type is refused before anything runs") {
        CHECK(probeVideo("relative.mp4", type("mp4")).error().code == ErrorCode::Internal);
        CHECK(probeVideo("/abs.jpg", type("jpeg")).error().code == ErrorCode::Internal);
    }

    TEST_CASE("a probe that hangs is killed at the time limit and reported as unavailable") {
        obscura::test::TempDir dir;
        FfprobeOptions options;
        options.executable = fakeProbe(dir, "sleep 30");
        options.timeout = std::chrono::milliseconds(400);
        auto start = std::chrono::steady_clock::now();
        auto p = probeVideo(MediaFixtures::get().path("video.mp4"), type("mp4"), options);
        auto elapsed = std::chrono::steady_clock::now() - start;
        REQUIRE_FALSE(p.ok());
        CHECK(p.error().code == ErrorCode::Unavailable);
        CHECK(p.error().message.find("did not finish within 400 ms") != std::string::npos);
        CHECK(elapsed < std::chrono::seconds(5));
    }

    TEST_CASE("a probe that floods its output, crashes or is missing is reported, not trusted") {
        obscura::test::TempDir dir;
        FfprobeOptions options;
        options.executable = fakeProbe(dir, "exec yes");
        options.maxOutputBytes = 4096;
        auto flood = probeVideo(MediaFixtures::get().path("video.mp4"), type("mp4"), options);
        REQUIRE_FALSE(flood.ok());
        CHECK(flood.error().code == ErrorCode::UnsupportedMediaType);
        CHECK(flood.error().message.find("exceeded 4096 bytes") != std::string::npos);

        options.executable = fakeProbe(dir, "kill -SEGV $$");
        auto crash = probeVideo(MediaFixtures::get().path("video.mp4"), type("mp4"), options);
        REQUIRE_FALSE(crash.ok());
        CHECK(crash.error().code == ErrorCode::UnsupportedMediaType);
        CHECK(crash.error().message.find("signal") != std::string::npos);

        options.executable = fakeProbe(dir, "echo 'not json'");
        CHECK(probeVideo(MediaFixtures::get().path("video.mp4"), type("mp4"), options).error().code ==
              ErrorCode::Internal);

        options.executable = dir / "no-such-ffprobe";
        auto missing = probeVideo(MediaFixtures::get().path("video.mp4"), type("mp4"), options);
        REQUIRE_FALSE(missing.ok());
        CHECK(missing.error().code == ErrorCode::Unavailable);
    }

    TEST_CASE("ffprobe runs with limits set and none of our environment") {
        obscura::test::TempDir dir;
        FfprobeOptions options;
        // The fake reports what it sees through the codec fields of otherwise valid output.
        options.executable = fakeProbe(
            dir,
            "limits=\"$(ulimit -t)-$(ulimit -c)-$(ulimit -f)-$(ulimit -n)\"\n"
            "secret=\"${OBSCURA_AUTH_JWT_SECRET:-none}\"\n"
            "echo '{\"streams\":[{\"codec_type\":\"video\",\"width\":2,\"height\":2,\"codec_name\":\"'$limits'\"},'"
            "'{\"codec_type\":\"audio\",\"codec_name\":\"'$secret'\"}]}'");
        options.cpuSeconds = 7;
        ::setenv("OBSCURA_AUTH_JWT_SECRET", "do-not-leak", 1);
        auto p = probeVideo(MediaFixtures::get().path("video.mp4"), type("mp4"), options);
        ::unsetenv("OBSCURA_AUTH_JWT_SECRET");
        REQUIRE_MESSAGE(p.ok(), p.error().message);
        CHECK(p->videoCodec == "7-0-0-64");
        CHECK(p->audioCodec == "none");
    }

    TEST_CASE("a probe over its CPU limit is killed and the file refused") {
        obscura::test::TempDir dir;
        FfprobeOptions options;
        options.executable = fakeProbe(dir, "while :; do :; done");
        options.cpuSeconds = 1;
        auto p = probeVideo(MediaFixtures::get().path("video.mp4"), type("mp4"), options);
        REQUIRE_FALSE(p.ok());
        CHECK(p.error().code == ErrorCode::UnsupportedMediaType);
        CHECK(p.error().message.find("CPU limit") != std::string::npos);
    }
}

TEST_SUITE("images.video_probe.json") {
    TEST_CASE("side-data rotation is anticlockwise and converted to clockwise") {
        auto p = parseFfprobeJson(R"({"streams":[{"codec_type":"video","codec_name":"hevc","width":1920,"height":1080,
            "side_data_list":[{"side_data_type":"Display Matrix","rotation":-90}]}],
            "format":{"format_name":"mov,mp4","duration":"12.5","tags":{
              "creation_time":"2021-07-04T08:20:30.000000Z",
              "com.apple.quicktime.creationdate":"2021-07-04T10:20:30+0200",
              "com.apple.quicktime.location.ISO6709":"+48.8582-002.2945+035.000/",
              "com.apple.quicktime.make":"Apple","com.apple.quicktime.model":"iPhone 12",
              "com.apple.quicktime.content.identifier":"5a1c8e2b-3f4d"}}})");
        REQUIRE_MESSAGE(p.ok(), p.error().message);
        CHECK(p->contentIdentifier == "5A1C8E2B-3F4D");  // the live-photo key, as the still's is stored
        CHECK(p->rotation == 90);
        CHECK(p->width == 1080);
        CHECK(p->height == 1920);
        CHECK(p->durationSeconds == 12.5);
        CHECK(p->creationTime == "2021-07-04T10:20:30+02:00");  // the local offset wins over UTC
        CHECK(p->latitude.value_or(0) == doctest::Approx(48.8582));
        CHECK(p->longitude.value_or(0) == doctest::Approx(-2.2945));
        CHECK(p->make == "Apple");
        CHECK(p->model == "iPhone 12");
    }

    TEST_CASE("the legacy rotate tag is clockwise; a cover picture is not the video stream") {
        auto p = parseFfprobeJson(R"({"streams":[
            {"codec_type":"video","codec_name":"mjpeg","width":600,"height":600,"disposition":{"attached_pic":1}},
            {"codec_type":"video","codec_name":"h264","width":640,"height":480,"tags":{"rotate":"270"}},
            {"codec_type":"audio","codec_name":"aac"}],"format":{"duration":"N/A"}})");
        REQUIRE(p.ok());
        CHECK(p->videoCodec == "h264");
        CHECK(p->rotation == 270);
        CHECK(p->width == 480);
        CHECK(p->audioCodec == "aac");
        CHECK_FALSE(p->durationSeconds);
    }

    TEST_CASE("output without a usable video stream or not JSON at all is an error") {
        CHECK(parseFfprobeJson("garbage").error().code == ErrorCode::Internal);
        CHECK(parseFfprobeJson(R"({"streams":[]})").error().code == ErrorCode::UnsupportedMediaType);
        CHECK(parseFfprobeJson(R"({"streams":[{"codec_type":"video","width":0,"height":10}]})").error().code ==
              ErrorCode::UnsupportedMediaType);
        CHECK(parseFfprobeJson(R"({"streams":{"codec_type":"video"}})").error().code == ErrorCode::Internal);
    }

    TEST_CASE("ISO 6709 locations and probe dates are parsed strictly") {
        double lat = 0, lon = 0;
        CHECK(parseIso6709("+52.5200+013.4050/", &lat, &lon));
        CHECK(lat == doctest::Approx(52.52));
        CHECK(parseIso6709("-33.8688+151.2093+005.000/", &lat, &lon));
        CHECK(lon == doctest::Approx(151.2093));
        for (const char* bad :
             {"", "52.52+13.40", "+91.0+000.0/", "+10.0+181.0/", "+1.2.3+4/", "+inf+1/", "+0x1p3+1/"}) {
            CAPTURE(bad);
            CHECK_FALSE(parseIso6709(bad, &lat, &lon));
        }
        CHECK(normaliseProbeDate("2021-07-04T08:20:30.000000Z") == "2021-07-04T08:20:30Z");
        CHECK(normaliseProbeDate("2021-07-04T08:20:30.250000Z") == "2021-07-04T08:20:30.25Z");
        CHECK(normaliseProbeDate("2021-07-04T10:20:30+0200") == "2021-07-04T10:20:30+02:00");
        CHECK(normaliseProbeDate("2021-07-04 10:20:30-05:30") == "2021-07-04T10:20:30-05:30");
        CHECK_FALSE(normaliseProbeDate("1970-01-01T00:00:00.000000Z"));
        CHECK_FALSE(normaliseProbeDate("2021-07-04T10:20:30"));  // no zone: not what ffprobe writes
        CHECK_FALSE(normaliseProbeDate("yesterday"));
    }
}
