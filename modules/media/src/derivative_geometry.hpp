#pragma once
// The sizes of every image derivative (DESIGN.md section 3), computed once here so the engine, the video
// poster path and the tests agree to the pixel. Pure arithmetic: no libvips.
namespace obscura::media {

struct Size {
    int width = 0;
    int height = 0;
    bool operator==(const Size&) const = default;
};

inline constexpr int kPreviewBox = 1440;            // preview: JPEG, fits 1440×1440
inline constexpr int kThumbnailShortSide = 250;     // thumbnail: WebP, 250 px on the shorter side…
inline constexpr int kThumbnailLongSideMax = 1000;  // …unless the longer side would pass 1000 px
inline constexpr int kAvatarSide = 256;             // avatar: 256×256 WebP, centre crop

// Never enlarges: a 600×400 original has a 600×400 preview.
Size previewSize(Size original);
// Scale min(1, 250/shorter, 1000/longer): 4000×3000 → 333×250, 300×4000 → 75×1000. Never enlarges.
Size thumbnailSize(Size original);
// The size to crop the 256×256 avatar from: shorter side exactly 256 (small pictures are enlarged).
Size avatarScaledSize(Size original);

// libjpeg's shrink-on-load (1, 2, 4 or 8) for a reduction by `factor`. Like vips_thumbnail it leaves at least
// a factor of two for the real resampling: DCT-domain block shrinking alone aliases.
int jpegShrinkFor(double factor);

// EXIF orientations 5–8 swap width and height when applied.
Size displayedSize(Size stored, int orientation);

}  // namespace obscura::media
