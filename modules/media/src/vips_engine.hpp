#pragma once
// The one adapter in front of libvips. libvips itself is not linked into the server: its code lives in the engine
// module obscura_media_vips.so (modules/media/engine/, image_engine_abi.hpp), which VipsEngine dlopens on the first
// image and calls through an ABI-checked interface; when the module is missing or broken, every operation fails
// with Unavailable naming what was tried, and the job fails with that reason, never the process. It turns an
// original that our own magic-byte sniff classified into the derivatives of DESIGN.md section 3, treating the
// file as hostile: the loader is ours to choose (libvips must agree with the sniff, then that loader is opened
// explicitly), untrusted and unused loaders are blocked process-wide, the pixel count is checked from the header
// before anything is decoded, and decode errors fail (fail_on=error) instead of yielding a grey half-image.
// Outputs are sRGB, EXIF orientation applied, without any metadata (no EXIF, GPS, XMP or ICC), written atomically.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "derivative_geometry.hpp"
#include "obscura/base/expected.hpp"

namespace obscura::media {

// What the upload sniff decided (the names of images' media type table).
// Raw is a camera RAW: libvips never opens it; raw_renderer.hpp turns it into a Jpeg or Tiff first.
enum class ImageKind { Jpeg, Png, Webp, Gif, Heic, Heif, Tiff, Raw };
// "jpeg" → Jpeg …, "tiff" → Tiff, the RAW names ("dng", "cr2", …) → Raw; anything else (videos included) is
// Internal: the caller routed the wrong asset here.
Expected<ImageKind> imageKindFromName(std::string_view sniffedName);

// Process-wide libvips settings, applied once.
struct VipsSettings {
    // Worker threads per libvips pipeline. The job pool already runs one pipeline per core, so 1 avoids
    // oversubscribing; a lone pipeline (the avatar route, a CLI) may want more.
    int concurrency = 1;
    // The operation cache is off by default: every original is new, so it only holds memory and open files —
    // and, keyed by file name, it would hand back a stale image for a path whose content changed.
    int cacheMaxOperations = 0;
    std::size_t cacheMaxMemoryBytes = 0;
    int cacheMaxFiles = 0;
};

struct VipsEngineOptions {
    std::uint64_t maxPixels = 100'000'000;  // media.maxPixels: width × height of one frame, from the header
    int previewQuality = 80;                // JPEG Q
    int thumbnailQuality = 80;              // WebP Q
    int conversionQuality = 90;             // full-size JPEG/WebP conversions
    // media.engineDir: the folder of obscura_media_vips.so; empty = the plugin search path beside the executable
    // (<exedir>/../lib/obscura/plugins/, then <exedir>/). Read by the executable only: the module ignores it.
    std::string engineDir;
};

// The perceptual hashes of one picture (perceptual_hash.hpp): dct is the one Obscura stores, diff is kept for the
// quality benchmark that chose it (bench/dupes).
struct PerceptualHashes {
    std::uint64_t dct = 0;
    std::uint64_t diff = 0;
};

// What was made. `original` is the displayed size (orientation applied).
struct DerivativeSizes {
    Size original;
    Size preview;
    Size thumbnail;
    PerceptualHashes hashes;  // of the thumbnail's pixels, taken while they are in memory
};

enum class OutputFormat { Jpeg, Webp };

class VipsEngine {
public:
    // Loads the engine module (from engineDir, empty = the default search) and starts libvips in it: VIPS_INIT plus
    // the settings and the loader blocks. Idempotent and thread-safe; the first call's settings win. Every
    // operation calls it itself, so it is only needed to choose non-default settings early (the benchmarks).
    // Errors: Unavailable when the module cannot be loaded (its message names every path tried) or libvips
    // cannot start.
    static Status initialise(const VipsSettings& settings = {}, const std::string& engineDir = {});
    // vips_shutdown() in every engine module loaded: only at process exit, after every engine use.
    static void shutdown();

    explicit VipsEngine(VipsEngineOptions options = {});
    const std::string& engineDir() const { return options_.engineDir; }

    // Whether the engine module's file exists where engineDir says (nothing is loaded): the start-up check, so that
    // a broken install is a warning at start and not only a failed job later. Unavailable naming the paths looked at.
    static Status checkInstalled(const std::string& engineDir = {});

    // Decodes `original` once: preview (JPEG, fits 1440×1440, shrink-on-load) rendered into memory, then the
    // thumbnail (WebP, 250 px on the shorter side, longer side ≤ 1000) resampled from that preview. Animated
    // GIF/WebP: the first frame. Errors: Invalid for a bad file (wrong format for the sniff, too many pixels,
    // undecodable), Internal when writing the outputs fails, Unavailable when libvips cannot start.
    // orientation: when not 0, the EXIF orientation to apply in place of the file's own (a RAW's embedded JPEG
    // carries none; the RAW's applies).
    Expected<DerivativeSizes> makePreviewAndThumbnail(const std::string& original, ImageKind kind,
                                                      const std::string& previewPath, const std::string& thumbnailPath,
                                                      int orientation = 0) const;

    // The perceptual hashes of a thumbnail the server made earlier (a WebP in the blob store): the backfill of
    // assets that predate hashing. Decoding the stored thumbnail rather than the original costs a millisecond, and
    // its lossy encoding moves the hash by at most a bit or two (bench/RESULTS.md). Invalid when it is no WebP.
    Expected<PerceptualHashes> hashThumbnail(const std::string& webpPath) const;

    // A 256×256 WebP, centre-cropped, for the avatar route. Same checks and errors.
    Expected<Size> makeAvatar(const std::string& original, ImageKind kind, const std::string& avatarPath) const;

    // A full-size JPEG or WebP of the original (on-demand conversions), orientation applied, sRGB, no metadata.
    Expected<Size> convert(const std::string& original, ImageKind kind, OutputFormat format,
                           const std::string& targetPath, int orientation = 0) const;

private:
    VipsEngineOptions options_;
};

}  // namespace obscura::media
