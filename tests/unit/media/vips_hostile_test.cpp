// Files that pass the sniff but must not be decoded (or not fully): each fails quickly with a clear reason, and the
// process stays small. A binary of its own so that its peak RSS is these cases' alone.
#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <iterator>

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

std::string readAll(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

long peakRssMiB() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;  // kilobytes on Linux
}

struct Outcome {
    obscura::Error error;
    double seconds;
};

Outcome mustFail(const std::string& original, ImageKind kind) {
    VipsEngine engine;
    auto start = Clock::now();
    auto r = engine.makePreviewAndThumbnail(original, kind, dir() / "out.jpg", dir() / "out.webp");
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(std::ifstream(dir() / "out.jpg").good());
    CHECK_FALSE(std::ifstream(dir() / "out.webp").good());
    MESSAGE(original << ": " << r.error().message << " (" << seconds << " s, peak RSS " << peakRssMiB() << " MiB)");
    return {r.error(), seconds};
}

}  // namespace

TEST_SUITE("media.vips_engine.hostile") {
    TEST_CASE("a JPEG cut in half fails instead of becoming a grey half-image") {
        // Noise, so that the entropy-coded data is large and the cut lands mid-scan.
        tool({"vips", "gaussnoise", dir() / "noise.v", "3200", "2400"});
        tool({"vips", "bandjoin", dir() / "noise.v " + dir() / "noise.v " + dir() / "noise.v", dir() / "noise3.v"});
        tool({"vips", "jpegsave", dir() / "noise3.v", dir() / "whole.jpg"});
        std::string whole = readAll(dir() / "whole.jpg");
        obscura::test::writeFile(dir() / "half.jpg", whole.substr(0, whole.size() / 2));
        auto o = mustFail(dir() / "half.jpg", ImageKind::Jpeg);
        CHECK(o.error.code == obscura::ErrorCode::Invalid);
        CHECK(o.error.reason == "undecodable");
        CHECK(o.error.message.find("JPEG") != std::string::npos);
        CHECK(o.seconds < 5);
        // The whole file works, so it is the cut that fails.
        VipsEngine engine;
        CHECK(engine.makePreviewAndThumbnail(dir() / "whole.jpg", ImageKind::Jpeg, dir() / "w.jpg", dir() / "w.webp")
                  .ok());
    }

    TEST_CASE("a JPEG whose header claims 65500x65500 is refused from the header") {
        tool({"vips", "black", dir() / "small.v", "64", "64", "--bands", "3"});
        tool({"vips", "jpegsave", dir() / "small.v", dir() / "small.jpg"});
        std::string jpeg = readAll(dir() / "small.jpg");
        auto sof = jpeg.find("\xFF\xC0", 0, 2);
        REQUIRE(sof != std::string::npos);
        for (std::size_t at : {sof + 5, sof + 7}) {  // height, then width: big-endian 16-bit
            jpeg[at] = static_cast<char>(0xFF);
            jpeg[at + 1] = static_cast<char>(0xDC);
        }
        obscura::test::writeFile(dir() / "huge.jpg", jpeg);
        REQUIRE(intField(dir() / "huge.jpg", "width") == 65500);
        auto o = mustFail(dir() / "huge.jpg", ImageKind::Jpeg);
        CHECK(o.error.code == obscura::ErrorCode::Invalid);
        CHECK(o.error.reason == "too_many_pixels");
        CHECK(o.error.message.find("65500×65500") != std::string::npos);
        CHECK(o.seconds < 1);
    }

    TEST_CASE("a 30000x30000 PNG pixel flood under 1 MB is refused from the header") {
        tool({"vips", "black", dir() / "flood.png", "30000", "30000"}, 300);
        struct stat st {};
        REQUIRE(::stat((dir() / "flood.png").c_str(), &st) == 0);
        REQUIRE(st.st_size < 1'000'000);
        auto o = mustFail(dir() / "flood.png", ImageKind::Png);
        CHECK(o.error.code == obscura::ErrorCode::Invalid);
        CHECK(o.error.reason == "too_many_pixels");
        CHECK(o.error.message.find("900 megapixels") != std::string::npos);
        CHECK(o.seconds < 1);
    }

    TEST_CASE("the pixel limit is media.maxPixels") {
        tool({"vips", "black", dir() / "mid.v", "2000", "1000", "--bands", "3"});
        tool({"vips", "jpegsave", dir() / "mid.v", dir() / "mid.jpg"});
        VipsEngineOptions options;
        options.maxPixels = 1'000'000;
        VipsEngine strict(options);
        auto r = strict.makePreviewAndThumbnail(dir() / "mid.jpg", ImageKind::Jpeg, dir() / "m.jpg", dir() / "m.webp");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().reason == "too_many_pixels");
        CHECK(VipsEngine{}
                  .makePreviewAndThumbnail(dir() / "mid.jpg", ImageKind::Jpeg, dir() / "m.jpg", dir() / "m.webp")
                  .ok());
    }

    TEST_CASE("a MATLAB file that starts like a PNG is never handed to matload") {
        writeMatFile(dir() / "poly.png", std::string("\x89PNG\r\n\x1a\n", 8));
        tool({"vips", "matload", dir() / "poly.png", dir() / "poly.v"});  // it really is a MAT file
        auto o = mustFail(dir() / "poly.png", ImageKind::Png);
        CHECK(o.error.code == obscura::ErrorCode::Invalid);
        CHECK(o.seconds < 1);
    }

    TEST_CASE("the hostile cases together stay within the stated RSS bound") {
        long peak = peakRssMiB();
        MESSAGE("peak RSS of the hostile-input binary: " << peak << " MiB");
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer's shadow memory and quarantine add their own, unbounded by us
        CHECK(peak < 200);
#endif
    }
}
