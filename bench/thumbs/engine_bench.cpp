// (c) Obscura's own adapter (modules/media/src/vips_engine.cpp) in-process on the same files: the loader check, the
// header pixel check, fail_on=error, sRGB conversion, metadata removal and atomic fsync'd writes included.
#include <cstdio>

#include "bench_common.hpp"
#include "vips_image_engine.hpp"

using namespace obscura::media;

int main(int argc, char** argv) {
    bench::Args args = bench::parse(argc, argv);
    VipsSettings settings;
    settings.concurrency = args.vipsThreads;
    if (auto s = VipsImageEngine::initialise(settings); !s.ok()) {
        std::fprintf(stderr, "%s\n", s.error().message.c_str());
        return 1;
    }
    VipsImageEngine engine;
    auto files = bench::corpusFiles(args.corpus);
    // --check-hashes: the hashes made with each thumbnail must equal those the backfill computes from the stored
    // WebP (hashThumbnail, libvips' own loader): the engine decodes its fresh WebP its own way.
    if (!args.extra.empty() && args.extra[0] == "--check-hashes") {
        int mismatches = 0;
        for (const auto& file : files) {
            std::string out = args.out + "/" + bench::stem(file);
            auto made =
                engine.makePreviewAndThumbnail(file, ImageKind::Jpeg, out + ".preview.jpg", out + ".thumb.webp");
            auto stored = engine.hashThumbnail(out + ".thumb.webp");
            if (!made.ok() || !stored.ok() || made.value().hashes.dct != stored.value().dct ||
                made.value().hashes.diff != stored.value().diff) {
                std::printf("HASH MISMATCH %s\n", file.c_str());
                ++mismatches;
            } else {
                std::printf("HASH %s %016llx %016llx\n", bench::stem(file).c_str(),
                            static_cast<unsigned long long>(stored.value().dct),
                            static_cast<unsigned long long>(stored.value().diff));
            }
        }
        std::printf("HASHES %zu photos, %d mismatches\n", files.size(), mismatches);
        return mismatches == 0 ? 0 : 1;
    }
    std::vector<double> rounds;
    for (int r = 0; r < args.rounds; ++r) {
        double s = bench::runPool(files.size(), args.workers, [&](std::size_t i) {
            std::string out = args.out + "/" + bench::stem(files[i]);
            auto made =
                engine.makePreviewAndThumbnail(files[i], ImageKind::Jpeg, out + ".preview.jpg", out + ".thumb.webp");
            if (!made.ok()) std::fprintf(stderr, "%s: %s\n", files[i].c_str(), made.error().message.c_str());
            return made.ok();
        });
        if (s < 0) return 1;
        rounds.push_back(s);
    }
    bench::report("obscura-vips-engine", files.size(), rounds);
    return 0;
}
