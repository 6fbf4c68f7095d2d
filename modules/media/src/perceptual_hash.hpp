#pragma once
// 64-bit perceptual hashes of a picture already reduced to a small grey square (the reduction is libvips' job, in
// vips_engine.cpp; these are plain arithmetic, unit-tested without libvips). Two pictures whose hashes differ in few
// bits (Hamming distance) look alike: a photo and its resized, re-encoded or slightly cropped copy.
//
// Obscura stores the DCT hash (pHash). Measured on the 40-photo corpus with a resized re-encoded copy and a 5 % crop
// of each (bench/dupes, numbers in bench/RESULTS.md): the DCT hash keeps copies closer and unrelated photos farther
// apart than the difference hash (dHash), whose bits follow local gradients that a crop shifts.
#include <cstdint>

namespace obscura::media {

inline constexpr int kDctHashSide = 32;   // dctHash reads 32×32 grey pixels, row by row
inline constexpr int kDiffHashWidth = 9;  // differenceHash reads 9×8
inline constexpr int kDiffHashHeight = 8;

// pHash: the 2-D DCT-II of the 32×32 picture, its 8×8 lowest frequencies; bit i (row-major, i = 8·v + u) is set
// when coefficient (u, v) is above the median of those 64 (the DC term counts for the median, as in pHash's
// reference implementation, and its own bit says whether the picture is brighter than that median).
std::uint64_t dctHash(const std::uint8_t* pixels32x32);

// dHash: bit 8·y + x is set when pixel (x, y) is brighter than its right-hand neighbour (x + 1, y).
std::uint64_t differenceHash(const std::uint8_t* pixels9x8);

inline int hammingDistance(std::uint64_t a, std::uint64_t b) { return __builtin_popcountll(a ^ b); }

}  // namespace obscura::media
