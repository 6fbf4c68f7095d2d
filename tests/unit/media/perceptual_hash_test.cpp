// The hash arithmetic (perceptual_hash.hpp) on synthetic pictures: a picture and a brightened or noisy copy hash
// alike, a mirrored one does not; dHash bits follow left-to-right gradients.
#include "perceptual_hash.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace obscura::media;

namespace {

std::vector<std::uint8_t> picture(int side, int seed) {
    std::vector<std::uint8_t> p(static_cast<std::size_t>(side) * side);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            p[y * side + x] = static_cast<std::uint8_t>(
                128 + 60 * std::sin((x + seed) * 0.31) * std::cos((y - seed) * 0.17) + (x * seed % 7));
    return p;
}

}  // namespace

TEST_SUITE("media.perceptual_hash") {
    TEST_CASE("a brightened or slightly noisy copy keeps its DCT hash within a few bits; a mirror image does not") {
        const auto base = picture(kDctHashSide, 3);
        auto brighter = base;
        for (auto& v : brighter) v = static_cast<std::uint8_t>(std::min(255, v + 20));
        std::mt19937 random(5);
        auto noisy = base;
        for (auto& v : noisy) v = static_cast<std::uint8_t>(std::clamp(int(v) + int(random() % 3) - 1, 0, 255));
        auto mirrored = base;
        for (int y = 0; y < kDctHashSide; ++y)
            for (int x = 0; x < kDctHashSide; ++x)
                mirrored[y * kDctHashSide + x] = base[y * kDctHashSide + (kDctHashSide - 1 - x)];
        const auto h = dctHash(base.data());
        CHECK(hammingDistance(h, dctHash(brighter.data())) <= 2);
        CHECK(hammingDistance(h, dctHash(noisy.data())) <= 6);  // 4 at worst over 200 seeds (Python twin)
        CHECK(hammingDistance(h, dctHash(mirrored.data())) > 10);
        CHECK(hammingDistance(h, dctHash(picture(kDctHashSide, 11).data())) > 10);
    }

    TEST_CASE("the difference hash sets a bit where a pixel is brighter than its right-hand neighbour") {
        std::vector<std::uint8_t> falling(kDiffHashWidth * kDiffHashHeight);
        for (int y = 0; y < kDiffHashHeight; ++y)
            for (int x = 0; x < kDiffHashWidth; ++x)
                falling[y * kDiffHashWidth + x] = static_cast<std::uint8_t>(200 - 10 * x);
        CHECK(differenceHash(falling.data()) == ~std::uint64_t{0});
        std::vector<std::uint8_t> flat(kDiffHashWidth * kDiffHashHeight, 90);
        CHECK(differenceHash(flat.data()) == 0);
    }
}
