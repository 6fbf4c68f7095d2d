// (a) The bar to reach: a bare C++ program calling libvips in-process for the same two outputs, decoding each file
// once — vips_thumbnail (shrink-on-load) makes the preview in memory, the thumbnail is resampled from it. No
// checks, no atomic writes: the cost of the image work alone.
//
// --psnr OTHER: compares two engines' outputs (see comparePsnr).
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

// --psnr OTHER: the previews and thumbnails in --out against the same files in OTHER (say, today's engine's and a
// changed one's), per photo; the worst of each is what a change must keep at or above 40 dB.
int comparePsnr(const bench::Args& args, const std::vector<std::string>& files, const std::string& other) {
    double worstPreview = 99, worstThumb = 99, sumPreview = 0, sumThumb = 0;
    for (const auto& file : files) {
        const std::string s = bench::stem(file);
        double p[2];
        int k = 0;
        for (const char* suffix : {".preview.jpg", ".thumb.webp"}) {
            VImage a = VImage::new_from_file((args.out + "/" + s + suffix).c_str());
            VImage b = VImage::new_from_file((other + "/" + s + suffix).c_str());
            if (a.width() != b.width() || a.height() != b.height()) {
                std::printf("PSNR %s%s: sizes differ (%dx%d vs %dx%d)\n", s.c_str(), suffix, a.width(), a.height(),
                            b.width(), b.height());
                return 1;
            }
            p[k++] = psnr(a, b);
        }
        std::printf("PSNR %-40s preview %6.2f dB  thumbnail %6.2f dB\n", s.c_str(), p[0], p[1]);
        worstPreview = std::min(worstPreview, p[0]);
        worstThumb = std::min(worstThumb, p[1]);
        sumPreview += p[0];
        sumThumb += p[1];
    }
    const double n = static_cast<double>(files.size());
    std::printf("PSNR-SUMMARY preview mean %.2f min %.2f dB; thumbnail mean %.2f min %.2f dB (%zu photos)\n",
                sumPreview / n, worstPreview, sumThumb / n, worstThumb, files.size());
    return 0;
}

// --reference A B: how close each engine's outputs (in A and in B) come to a reference made without shortcuts —
// the original decoded in full, turned upright, resized in one Lanczos-3 step to the same size, not encoded —
// so a change is judged by whether it drifts from the ideal, not only from the old output (two Q80 encodings of
// slightly different pixels differ by the codecs' own noise).
int compareReference(const std::vector<std::string>& files, const std::string& a, const std::string& b) {
    double worst[4] = {99, 99, 99, 99}, sum[4] = {};
    for (const auto& file : files) {
        const std::string s = bench::stem(file);
        VImage full = VImage::new_from_file(file.c_str()).autorot().colourspace(VIPS_INTERPRETATION_sRGB);
        double p[4];
        int k = 0;
        for (const char* suffix : {".preview.jpg", ".thumb.webp"}) {
            for (const std::string* dir : {&a, &b}) {
                VImage out = VImage::new_from_file((*dir + "/" + s + suffix).c_str());
                VImage ref =
                    full.resize(static_cast<double>(out.width()) / full.width(),
                                VImage::option()->set("vscale", static_cast<double>(out.height()) / full.height()));
                p[k++] = psnr(ref.cast(VIPS_FORMAT_UCHAR), out);
            }
        }
        std::printf("REF %-40s preview A %6.2f B %6.2f dB  thumbnail A %6.2f B %6.2f dB\n", s.c_str(), p[0], p[1], p[2],
                    p[3]);
        for (int i = 0; i < 4; ++i) {
            worst[i] = std::min(worst[i], p[i]);
            sum[i] += p[i];
        }
    }
    const double n = static_cast<double>(files.size());
    std::printf(
        "REF-SUMMARY vs reference: preview A mean %.2f min %.2f, B mean %.2f min %.2f dB; thumbnail A mean "
        "%.2f min %.2f, B mean %.2f min %.2f dB\n",
        sum[0] / n, worst[0], sum[1] / n, worst[1], sum[2] / n, worst[2], sum[3] / n, worst[3]);
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
    if (args.extra.size() == 2 && args.extra[0] == "--psnr") return comparePsnr(args, files, args.extra[1]);
    if (args.extra.size() == 3 && args.extra[0] == "--reference")
        return compareReference(files, args.extra[1], args.extra[2]);
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
