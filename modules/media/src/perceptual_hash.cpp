#include "perceptual_hash.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace obscura::media {

namespace {

// cos((2x + 1) u π / 64) for x < 32, u < 8: the only rows of the DCT basis the 8×8 corner needs.
const std::array<std::array<double, kDctHashSide>, 8>& dctBasis() {
    static const auto basis = [] {
        std::array<std::array<double, kDctHashSide>, 8> b{};
        for (int u = 0; u < 8; ++u) {
            for (int x = 0; x < kDctHashSide; ++x) {
                b[u][x] = std::cos((2.0 * x + 1.0) * u * M_PI / (2.0 * kDctHashSide));
            }
        }
        return b;
    }();
    return basis;
}

}  // namespace

std::uint64_t dctHash(const std::uint8_t* pixels) {
    const auto& basis = dctBasis();
    // Separable: first along rows (32 rows × 8 frequencies), then along columns for the 8×8 corner.
    std::array<std::array<double, 8>, kDctHashSide> rows{};
    for (int y = 0; y < kDctHashSide; ++y) {
        for (int u = 0; u < 8; ++u) {
            double sum = 0;
            for (int x = 0; x < kDctHashSide; ++x) sum += pixels[y * kDctHashSide + x] * basis[u][x];
            rows[y][u] = sum;
        }
    }
    std::array<double, 64> coefficients{};
    for (int v = 0; v < 8; ++v) {
        for (int u = 0; u < 8; ++u) {
            double sum = 0;
            for (int y = 0; y < kDctHashSide; ++y) sum += rows[y][u] * basis[v][y];
            coefficients[8 * v + u] = sum;
        }
    }
    std::array<double, 64> sorted = coefficients;
    std::nth_element(sorted.begin(), sorted.begin() + 32, sorted.end());
    const double median = sorted[32];
    std::uint64_t hash = 0;
    for (int i = 0; i < 64; ++i) {
        if (coefficients[i] > median) hash |= std::uint64_t{1} << i;
    }
    return hash;
}

std::uint64_t differenceHash(const std::uint8_t* pixels) {
    std::uint64_t hash = 0;
    for (int y = 0; y < kDiffHashHeight; ++y) {
        for (int x = 0; x < kDiffHashWidth - 1; ++x) {
            if (pixels[y * kDiffHashWidth + x] > pixels[y * kDiffHashWidth + x + 1])
                hash |= std::uint64_t{1} << (8 * y + x);
        }
    }
    return hash;
}

}  // namespace obscura::media
