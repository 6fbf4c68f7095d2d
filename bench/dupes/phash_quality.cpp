// The near-duplicate quality report (issue 22): every corpus photo, a resized re-encoded copy of it and a 5 % crop
// of it go through the server's own derivative path (VipsImageEngine::makePreviewAndThumbnail, the engine module's
// code, which hashes the thumbnail); the program prints, for the DCT hash (pHash) and the difference hash (dHash), how
// far copies and crops land from their original, how close unrelated originals come, and recall / false pairs per
// distance.
//   phash_quality /tmp/obscura-corpus [workdir]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>
#include <vips/vips8>

#include "perceptual_hash.hpp"
#include "vips_image_engine.hpp"

namespace fs = std::filesystem;
using obscura::media::hammingDistance;
using obscura::media::ImageKind;
using obscura::media::PerceptualHashes;
using obscura::media::VipsImageEngine;

namespace {

struct Photo {
    std::string name;
    PerceptualHashes original, copy, crop, centreCrop, fromWebp;
};

PerceptualHashes hashOf(const VipsImageEngine& engine, const std::string& path, const std::string& work,
                        PerceptualHashes* fromWebp = nullptr) {
    auto sizes = engine.makePreviewAndThumbnail(path, ImageKind::Jpeg, work + "/p.jpg", work + "/t.webp");
    if (!sizes) {
        std::fprintf(stderr, "%s: %s\n", path.c_str(), sizes.error().message.c_str());
        std::exit(1);
    }
    if (fromWebp) *fromWebp = *engine.hashThumbnail(work + "/t.webp");
    return sizes->hashes;
}

int pairedDistance(const PerceptualHashes& a, const PerceptualHashes& b, bool dct) {
    return hammingDistance(dct ? a.dct : a.diff, dct ? b.dct : b.diff);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: phash_quality CORPUS_DIR [WORK_DIR]\n");
        return 2;
    }
    const std::string work = argc > 2 ? argv[2] : "/tmp/phash-quality";
    fs::create_directories(work);
    (void)VipsImageEngine::initialise();
    VipsImageEngine engine;
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(argv[1]))
        if (e.is_regular_file() && e.path().extension() == ".jpg") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    std::vector<Photo> photos;
    for (const auto& file : files) {
        Photo p;
        p.name = fs::path(file).stem().string();
        p.original = hashOf(engine, file, work, &p.fromWebp);
        vips::VImage in = vips::VImage::new_from_file(file.c_str());
        // The copy: half the size, re-encoded at JPEG quality 70 (what a messenger or an export does).
        in.resize(0.5).jpegsave((work + "/copy.jpg").c_str(), vips::VImage::option()->set("Q", 70));
        p.copy = hashOf(engine, work + "/copy.jpg", work);
        // The crop: 5 % off the right and bottom edges (the harder case: the picture also shifts) …
        const int w = in.width() * 95 / 100, h = in.height() * 95 / 100;
        in.extract_area(0, 0, w, h).jpegsave((work + "/crop.jpg").c_str(), vips::VImage::option()->set("Q", 90));
        p.crop = hashOf(engine, work + "/crop.jpg", work);
        // … and 2.5 % off each edge.
        in.extract_area((in.width() - w) / 2, (in.height() - h) / 2, w, h)
            .jpegsave((work + "/centre.jpg").c_str(), vips::VImage::option()->set("Q", 90));
        p.centreCrop = hashOf(engine, work + "/centre.jpg", work);
        photos.push_back(p);
    }
    const auto isRealPair = [](const std::string& a, const std::string& b) {
        return a.rfind("mate-Elephants", 0) == 0 && b.rfind("mate-Elephants", 0) == 0;
    };
    for (bool dct : {true, false}) {
        std::printf("== %s, %zu photos\n", dct ? "pHash (DCT)" : "dHash (difference)", photos.size());
        int maxCopy = 0, maxCrop = 0, maxCentre = 0, maxWebp = 0, minOthers = 64, elephants = -1;
        std::vector<int> others;
        for (std::size_t i = 0; i < photos.size(); ++i) {
            maxCopy = std::max(maxCopy, pairedDistance(photos[i].original, photos[i].copy, dct));
            maxCrop = std::max(maxCrop, pairedDistance(photos[i].original, photos[i].crop, dct));
            maxCentre = std::max(maxCentre, pairedDistance(photos[i].original, photos[i].centreCrop, dct));
            maxWebp = std::max(maxWebp, pairedDistance(photos[i].original, photos[i].fromWebp, dct));
            for (std::size_t j = i + 1; j < photos.size(); ++j) {
                const int d = pairedDistance(photos[i].original, photos[j].original, dct);
                if (isRealPair(photos[i].name, photos[j].name)) {
                    elephants = d;
                } else {
                    others.push_back(d);
                    minOthers = std::min(minOthers, d);
                }
            }
        }
        std::printf(
            "max copy %d, max corner crop %d, max centre crop %d, stored-WebP drift %d, elephants %d, "
            "closest unrelated originals %d\n",
            maxCopy, maxCrop, maxCentre, maxWebp, elephants, minOthers);
        std::printf("distance  copies-found(of %zu)  crops-found(corner/centre)  false-pairs(of %zu)  elephants\n",
                    photos.size(), others.size());
        for (int t = 0; t <= 20; t += 2) {
            int copies = 0, crops = 0, centres = 0, falsePairs = 0;
            for (const auto& p : photos) {
                copies += pairedDistance(p.original, p.copy, dct) <= t;
                crops += pairedDistance(p.original, p.crop, dct) <= t;
                centres += pairedDistance(p.original, p.centreCrop, dct) <= t;
            }
            for (int d : others) falsePairs += d <= t;
            std::printf("%8d  %20d  %14d/%d  %19d  %s\n", t, copies, crops, centres, falsePairs,
                        elephants <= t ? "found" : "missed");
        }
    }
    return 0;
}
