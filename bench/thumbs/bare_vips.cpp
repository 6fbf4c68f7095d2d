// (a) The bar to reach: a bare C++ program calling libvips in-process for the same two outputs, decoding each file
// once — vips_thumbnail (shrink-on-load) makes the preview in memory, the thumbnail is resampled from it. No
// checks, no atomic writes: the cost of the image work alone.
//
// --compare: instead, for every file, the thumbnail made from the preview (what Obscura does) against one made
// straight from the original, reporting the time each takes and their PSNR (dB) — the quality/speed trade-off.
#include <cmath>
#include <cstdio>
#include <mutex>
#include <vips/vips8>

#include "bench_common.hpp"

using vips::VImage;

namespace {

// The thumbnail box of DESIGN.md: 250 on the shorter side, the longer at most 1000, never enlarged.
void thumbnailSize(int w, int h, int& tw, int& th) {
    double scale = std::min({1.0, 250.0 / std::min(w, h), 1000.0 / std::max(w, h)});
    tw = std::max(1, static_cast<int>(std::lround(w * scale)));
    th = std::max(1, static_cast<int>(std::lround(h * scale)));
}

bool makeBoth(const std::string& file, const std::string& out) {
    try {
        VImage preview =
            VImage::thumbnail(file.c_str(), 1440, VImage::option()->set("height", 1440)->set("size", VIPS_SIZE_DOWN))
                .copy_memory();
        preview.jpegsave((out + ".preview.jpg").c_str(),
                         VImage::option()->set("Q", 80)->set("strip", true)->set("optimize_coding", true));
        int tw, th;
        thumbnailSize(preview.width(), preview.height(), tw, th);
        VImage thumb = preview.thumbnail_image(tw, VImage::option()->set("height", th)->set("size", VIPS_SIZE_DOWN));
        thumb.webpsave((out + ".thumb.webp").c_str(), VImage::option()->set("Q", 80)->set("strip", true));
        return true;
    } catch (const vips::VError& e) {
        std::fprintf(stderr, "%s: %s\n", file.c_str(), e.what());
        return false;
    }
}

double psnr(const VImage& a, const VImage& b) {
    VImage d = (a.cast(VIPS_FORMAT_FLOAT) - b.cast(VIPS_FORMAT_FLOAT));
    double mse = (d * d).avg();
    return mse <= 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / mse);
}

int compare(const bench::Args& args, const std::vector<std::string>& files) {
    double fromPreview = 0, fromOriginal = 0, totalPsnr = 0, worst = 99;
    for (const auto& file : files) {
        using Clock = std::chrono::steady_clock;
        VImage preview =
            VImage::thumbnail(file.c_str(), 1440, VImage::option()->set("height", 1440)->set("size", VIPS_SIZE_DOWN))
                .copy_memory();
        int tw, th;
        thumbnailSize(preview.width(), preview.height(), tw, th);
        auto t0 = Clock::now();
        VImage a = preview.thumbnail_image(tw, VImage::option()->set("height", th)->set("size", VIPS_SIZE_FORCE))
                       .copy_memory();
        auto t1 = Clock::now();
        VImage b =
            VImage::thumbnail(file.c_str(), tw, VImage::option()->set("height", th)->set("size", VIPS_SIZE_FORCE))
                .copy_memory();
        auto t2 = Clock::now();
        fromPreview += std::chrono::duration<double>(t1 - t0).count();
        fromOriginal += std::chrono::duration<double>(t2 - t1).count();
        double p = psnr(a, b);
        totalPsnr += p;
        worst = std::min(worst, p);
    }
    double n = static_cast<double>(files.size());
    std::printf(
        "COMPARE thumbnail-from-preview %.2f ms/img, from-original %.2f ms/img, PSNR mean %.1f dB, min %.1f dB\n",
        1000 * fromPreview / n, 1000 * fromOriginal / n, totalPsnr / n, worst);
    (void)args;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (VIPS_INIT(argv[0])) vips_error_exit(nullptr);
    bench::Args args = bench::parse(argc, argv);
    vips_concurrency_set(args.vipsThreads);
    vips_cache_set_max(0);  // as the engine: every file is new
    auto files = bench::corpusFiles(args.corpus);
    if (!args.extra.empty() && args.extra[0] == "--compare") return compare(args, files);
    std::vector<double> rounds;
    for (int r = 0; r < args.rounds; ++r) {
        double s = bench::runPool(files.size(), args.workers, [&](std::size_t i) {
            return makeBoth(files[i], args.out + "/" + bench::stem(files[i]));
        });
        if (s < 0) return 1;
        rounds.push_back(s);
    }
    bench::report("bare-libvips", files.size(), rounds);
    vips_shutdown();
    return 0;
}
