#include "vips_image_engine.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <vector>
#include <vips/vips8>

#include "atomic_file.hpp"
#include "vips_thumbnail_hash.hpp"
#include "webp_metadata.hpp"

namespace obscura::media {
namespace {

using vips::VError;
using vips::VImage;

struct Loader {
    ImageKind kind;
    const char* nickname;  // the libvips operation we open the file with
    const char* family;    // its class subtree, unblocked at start
    const char* label;     // for messages
};

// The only loaders Obscura ever uses; every other one is blocked process-wide at start (matload, magickload,
// svgload, pdfload, … — the CVE-2024 class of bugs came from letting libvips pick among them). tiffload (libtiff)
// serves plain TIFF photos and libraw's decodes of camera RAW files (DESIGN.md section 12).
constexpr Loader kLoaders[] = {
    {ImageKind::Jpeg, "jpegload", "VipsForeignLoadJpeg", "JPEG"},
    {ImageKind::Png, "pngload", "VipsForeignLoadPng", "PNG"},
    {ImageKind::Webp, "webpload", "VipsForeignLoadWebp", "WebP"},
    {ImageKind::Gif, "gifload", "VipsForeignLoadNsgif", "GIF"},
    {ImageKind::Heic, "heifload", "VipsForeignLoadHeif", "HEIC"},
    {ImageKind::Heif, "heifload", "VipsForeignLoadHeif", "HEIF"},
    {ImageKind::Tiff, "tiffload", "VipsForeignLoadTiff", "TIFF"},
};
constexpr int kWebpMaxSide = 16383;  // the WebP format's own limit

const Loader& loaderFor(ImageKind kind) {
    for (const auto& l : kLoaders) {
        if (l.kind == kind) return l;
    }
    return kLoaders[0];  // unreachable: every ImageKind is in the table
}

// libvips' error buffer is global and accumulates; take the text and clear it so the next job starts clean.
std::string takeMessage(const VError& e) {
    std::string raw = e.what();
    vips_error_clear();
    // Loaders prefix messages with the file name: server paths stay out of job errors and API answers.
    std::string text;
    for (std::size_t i = 0; i < raw.size();) {
        if (raw[i] == '/' && (i == 0 || raw[i - 1] == ' ' || raw[i - 1] == '\n' || raw[i - 1] == '"')) {
            while (i < raw.size() && raw[i] != ':' && raw[i] != ' ' && raw[i] != '\n' && raw[i] != '"') ++i;
            text += "the file";
            continue;
        }
        text += raw[i++];
    }
    std::string out;
    for (char c : text) {
        if (c == '\n') {
            if (!out.empty() && out.back() != ' ') out += "; ";
        } else {
            out += c;
        }
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == ';')) out.pop_back();
    if (out.size() > 300) out = out.substr(0, 300) + "…";
    return out;
}

Error invalidFile(const Loader& l, const std::string& why, const char* reason) {
    // Some decoders (libpng) only warn before failing, leaving libvips' error text empty.
    std::string text = why.empty() ? std::string("the data is damaged or not really ") + l.label : why;
    return {ErrorCode::Invalid, "cannot decode the " + std::string(l.label) + " image: " + text, reason};
}

// Where libvips' warnings go: the executable's debug log, handed over by initialise() (the module links no logger).
std::atomic<EngineLogFn> engineLog{nullptr};

// libvips warns once per failing tile; the job's own error already says what went wrong.
void routeVipsLog(const gchar*, GLogLevelFlags, const gchar* message, gpointer) {
    EngineLogFn log = engineLog.load();
    if (log != nullptr) log((std::string("libvips: ") + (message ? message : "")).c_str());
}

struct Header {
    VImage image;  // opened lazily: nothing decoded yet
    Size stored;
    int orientation = 1;
};

// Confirms that libvips reads the bytes as the format we sniffed, opens them with that loader only, and checks the
// pixel count before any pixel is decoded.
Expected<Header> readHeader(const std::string& path, const Loader& loader, std::uint64_t maxPixels) {
    const char* found = vips_foreign_find_load(path.c_str());
    if (!found) {
        vips_error_clear();
        return invalidFile(loader, "libvips recognises no image format in it", "unrecognised");
    }
    const char* nickname = vips_nickname_find(g_type_from_name(found));
    if (!nickname || std::string_view(nickname) != loader.nickname) {
        return invalidFile(loader,
                           std::string("its content is read by libvips' ") + (nickname ? nickname : found) + ", not " +
                               loader.nickname,
                           "format_mismatch");
    }
    Header h;
    VImage::call(loader.nickname, VImage::option()
                                      ->set("filename", path.c_str())
                                      ->set("out", &h.image)
                                      ->set("access", VIPS_ACCESS_SEQUENTIAL)
                                      ->set("fail_on", VIPS_FAIL_ON_ERROR));
    h.stored = {h.image.width(), h.image.height()};
    auto pixels = static_cast<std::uint64_t>(h.stored.width) * static_cast<std::uint64_t>(h.stored.height);
    if (pixels > maxPixels) {
        return invalidFile(loader,
                           "it is " + std::to_string(h.stored.width) + "×" + std::to_string(h.stored.height) + " (" +
                               std::to_string(pixels / 1'000'000) + " megapixels), above the limit of " +
                               std::to_string(maxPixels / 1'000'000) + " megapixels",
                           "too_many_pixels");
    }
    if (h.image.get_typeof(VIPS_META_ORIENTATION) != 0) {
        int o = h.image.get_int(VIPS_META_ORIENTATION);
        h.orientation = o >= 1 && o <= 8 ? o : 1;
    }
    return h;
}

// The original decoded for a target `reduction` times smaller (per side), using the loader's own shrink where it
// has one: libjpeg's DCT scaling (keeping a factor of two for real resampling) and libwebp's scaled decode.
VImage decode(const std::string& path, const Loader& loader, const Header& header, double reduction, bool random) {
    int jpegShrink = loader.kind == ImageKind::Jpeg ? jpegShrinkFor(reduction) : 1;
    bool webpScale = loader.kind == ImageKind::Webp && reduction > 1;
    if (!random && jpegShrink == 1 && !webpScale) return header.image;  // the header's lazy image decodes as is
    VImage out;
    auto* options = VImage::option()
                        ->set("filename", path.c_str())
                        ->set("out", &out)
                        ->set("fail_on", VIPS_FAIL_ON_ERROR)
                        ->set("access", random ? VIPS_ACCESS_RANDOM : VIPS_ACCESS_SEQUENTIAL);
    if (jpegShrink > 1) options->set("shrink", jpegShrink);
    if (webpScale) options->set("scale", 1.0 / reduction);
    VImage::call(loader.nickname, options);  // takes ownership of options
    return out;
}

// Exact output size; alpha premultiplied around the resampling so transparent pixels do not bleed their colour.
VImage resizeTo(VImage in, Size target) {
    if (in.width() == target.width && in.height() == target.height) return in;
    bool alpha = in.has_alpha();
    VipsBandFormat format = in.format();
    if (alpha) in = in.premultiply();
    VImage out = in.resize(static_cast<double>(target.width) / in.width(),
                           VImage::option()->set("vscale", static_cast<double>(target.height) / in.height()));
    if (alpha) out = out.unpremultiply().cast(format);
    return out;
}

// 8-bit sRGB (alpha kept): through the embedded ICC profile when there is a usable one (a phone's Display P3, a
// print shop's CMYK), else by interpretation (CMYK via libvips' fallback profile, 16-bit, greyscale). The
// outputs carry no profile, so they must already be sRGB.
VImage toSrgb8(VImage in) {
    if (in.get_typeof(VIPS_META_ICC_NAME) != 0) {
        try {
            VImage out = in.icc_transform("srgb", VImage::option()->set("embedded", true)->set("depth", 8));
            return out.format() == VIPS_FORMAT_UCHAR ? out : out.cast(VIPS_FORMAT_UCHAR);
        } catch (const VError&) {
            vips_error_clear();  // a broken profile is not worth failing the photo for: use the numbers as they are
        }
    }
    VImage out = in.interpretation() == VIPS_INTERPRETATION_sRGB && in.format() == VIPS_FORMAT_UCHAR
                     ? in
                     : in.colourspace(VIPS_INTERPRETATION_sRGB);
    return out.format() == VIPS_FORMAT_UCHAR ? out : out.cast(VIPS_FORMAT_UCHAR);
}

// Runs the pipeline once into memory, then applies the EXIF orientation (rotating needs random access, which the
// sequential decode cannot give).
// The orientation is set on the image first: it may come from elsewhere than the file (a RAW's embedded JPEG).
VImage withOrientation(const VImage& in, int orientation) {
    VImage out = in.copy();
    out.set(VIPS_META_ORIENTATION, orientation);
    return out;
}

VImage renderUpright(const VImage& in, int orientation) {
    VImage memory = in.copy_memory();
    return orientation > 1 ? withOrientation(memory, orientation).autorot().copy_memory() : memory;
}

// A header of its own with every metadata item removed (EXIF, XMP, IPTC, ICC, orientation, …), so no saver has
// anything private to copy.
VImage withoutMetadata(const VImage& in) {
    VImage out = in.copy();
    gchar** fields = vips_image_get_fields(out.get_image());
    for (gchar** f = fields; f && *f; ++f) {
        // The basic header (width, bands, …) is not metadata and cannot be removed; everything else goes.
        vips_image_remove(out.get_image(), *f);
    }
    g_strfreev(fields);
    return out;
}

std::string takeBlob(VipsBlob* blob) {
    std::size_t length = 0;
    const void* data = vips_blob_get(blob, &length);
    std::string bytes(static_cast<const char*>(data), length);
    vips_area_unref(reinterpret_cast<VipsArea*>(blob));
    return bytes;
}

// Encodes without any metadata (no EXIF, GPS, XMP or ICC). Throws VError; Internal if the WebP cannot be rewritten.
Expected<std::string> encode(const VImage& original, OutputFormat format, int quality) {
    VImage image = withoutMetadata(original);
    if (format == OutputFormat::Webp) {
        // libvips 8.14.1's webpsave writes a fresh EXIF chunk even with strip set: remove it from the container.
        return stripWebpMetadata(
            takeBlob(image.webpsave_buffer(VImage::option()->set("Q", quality)->set("strip", true))));
    }
    VImage flat = image.has_alpha()
                      ? image.flatten(VImage::option()->set("background", std::vector<double>{255, 255, 255}))
                      : image;
    return takeBlob(
        flat.jpegsave_buffer(VImage::option()->set("Q", quality)->set("strip", true)->set("optimize_coding", true)));
}

// Encoding an in-memory sRGB image cannot fail on bad input, so a failure here is ours (Internal).
Status save(const VImage& image, OutputFormat format, int quality, const std::string& path) {
    try {
        OBSCURA_TRY(bytes, encode(image, format, quality));
        return writeFileAtomically(path, bytes);
    } catch (const VError& e) {
        return internalError("encoding " + path + " failed: " + takeMessage(e));
    }
}

std::atomic<bool> vipsStarted{false};  // libvips starts lazily (first image), so shutdown may find it never started

}  // namespace

Status VipsImageEngine::initialise(const VipsSettings& settings, EngineLogFn log) {
    static std::once_flag once;
    static Status status;
    std::call_once(once, [&settings, log] {
        engineLog = log;
        if (VIPS_INIT("obscura") != 0) {
            status = unavailable(std::string("libvips failed to start: ") + vips_error_buffer());
            vips_error_clear();
            return;
        }
        g_log_set_handler("VIPS", static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE), routeVipsLog,
                          nullptr);
        vips_block_untrusted_set(TRUE);
        vips_operation_block_set("VipsForeignLoad", TRUE);
        for (const auto& l : kLoaders) vips_operation_block_set(l.family, FALSE);
        vips_concurrency_set(std::max(1, settings.concurrency));
        vips_cache_set_max(settings.cacheMaxOperations);
        vips_cache_set_max_mem(settings.cacheMaxMemoryBytes);
        vips_cache_set_max_files(settings.cacheMaxFiles);
        vipsStarted = true;
    });
    return status;
}

void VipsImageEngine::shutdown() {
    if (vipsStarted) vips_shutdown();
}

VipsImageEngine::VipsImageEngine(VipsEngineOptions options) : options_(std::move(options)) {}

Expected<DerivativeSizes> VipsImageEngine::makePreviewAndThumbnail(const std::string& original, ImageKind kind,
                                                                   const std::string& previewPath,
                                                                   const std::string& thumbnailPath,
                                                                   int orientation) const {
    OBSCURA_TRY_STATUS(initialise());
    vips_error_clear();  // warnings that earlier, successful operations left in the global buffer
    const Loader& loader = loaderFor(kind);
    DerivativeSizes sizes;
    VImage preview;
    try {
        OBSCURA_TRY(header, readHeader(original, loader, options_.maxPixels));
        if (orientation > 0) header.orientation = orientation;
        Size previewStored = previewSize(header.stored);
        double reduction = static_cast<double>(header.stored.width) / previewStored.width;
        VImage source = decode(original, loader, header, reduction, false);
        preview = renderUpright(toSrgb8(resizeTo(source, previewStored)), header.orientation);
        sizes.original = displayedSize(header.stored, header.orientation);
        sizes.preview = {preview.width(), preview.height()};
        sizes.thumbnail = thumbnailSize(sizes.original);
    } catch (const VError& e) {
        return invalidFile(loader, takeMessage(e), "undecodable");
    }
    OBSCURA_TRY_STATUS(save(preview, OutputFormat::Jpeg, options_.previewQuality, previewPath));
    VImage thumbnail;
    try {
        thumbnail = resizeTo(preview, sizes.thumbnail).copy_memory();
    } catch (const VError& e) {
        return internalError("resampling the preview of " + original + " failed: " + takeMessage(e));
    }
    // The hash is taken from the thumbnail as stored (its WebP bytes, still in memory, decoded again: 1-2 ms), not
    // from the pixels before encoding: the backfill hashes stored thumbnails, and the lossy encoding alone moved
    // hashes by up to 4 bits on the corpus (bench/RESULTS.md) — a third of the default distance.
    std::string webp;
    try {
        OBSCURA_TRY(encoded, encode(thumbnail, OutputFormat::Webp, options_.thumbnailQuality));
        webp = std::move(encoded);
    } catch (const VError& e) {
        return internalError("encoding the thumbnail of " + original + " failed: " + takeMessage(e));
    }
    OBSCURA_TRY_STATUS(writeFileAtomically(thumbnailPath, webp));
    try {
        sizes.hashes = hashPicture(decodeOwnWebp(webp));
    } catch (const VError& e) {
        return internalError("hashing the thumbnail of " + original + " failed: " + takeMessage(e));
    }
    return sizes;
}

Expected<PerceptualHashes> VipsImageEngine::hashThumbnail(const std::string& webpPath) const {
    OBSCURA_TRY_STATUS(initialise());
    vips_error_clear();
    const Loader& loader = loaderFor(ImageKind::Webp);
    try {
        OBSCURA_TRY(header, readHeader(webpPath, loader, options_.maxPixels));
        return hashPicture(header.image.copy_memory());
    } catch (const VError& e) {
        return invalidFile(loader, takeMessage(e), "undecodable");
    }
}

Expected<Size> VipsImageEngine::makeAvatar(const std::string& original, ImageKind kind,
                                           const std::string& avatarPath) const {
    OBSCURA_TRY_STATUS(initialise());
    vips_error_clear();  // warnings that earlier, successful operations left in the global buffer
    const Loader& loader = loaderFor(kind);
    VImage avatar;
    try {
        OBSCURA_TRY(header, readHeader(original, loader, options_.maxPixels));
        Size scaled = avatarScaledSize(header.stored);
        double reduction = static_cast<double>(header.stored.width) / scaled.width;
        VImage source = decode(original, loader, header, reduction, false);
        VImage square = toSrgb8(resizeTo(source, scaled))
                            .extract_area((scaled.width - kAvatarSide) / 2, (scaled.height - kAvatarSide) / 2,
                                          kAvatarSide, kAvatarSide);
        avatar = renderUpright(square, header.orientation);
    } catch (const VError& e) {
        return invalidFile(loader, takeMessage(e), "undecodable");
    }
    OBSCURA_TRY_STATUS(save(avatar, OutputFormat::Webp, options_.thumbnailQuality, avatarPath));
    return Size{avatar.width(), avatar.height()};
}

Expected<Size> VipsImageEngine::convert(const std::string& original, ImageKind kind, OutputFormat format,
                                        const std::string& targetPath, int orientation) const {
    OBSCURA_TRY_STATUS(initialise());
    vips_error_clear();  // warnings that earlier, successful operations left in the global buffer
    const Loader& loader = loaderFor(kind);
    std::string bytes;
    Size size;
    try {
        OBSCURA_TRY(header, readHeader(original, loader, options_.maxPixels));
        if (orientation > 0) header.orientation = orientation;
        size = displayedSize(header.stored, header.orientation);
        if (format == OutputFormat::Webp && std::max(size.width, size.height) > kWebpMaxSide) {
            return Error{ErrorCode::Invalid,
                         "the image is " + std::to_string(size.width) + "×" + std::to_string(size.height) +
                             ", too large for WebP (at most " + std::to_string(kWebpMaxSide) + " px a side)",
                         "too_large_for_format"};
        }
        // Full size, streamed from decoder to encoder. Rotating needs random access (libvips then decodes to
        // memory, or to a temporary file beyond its disc threshold), so only an upright original streams.
        VImage upright = toSrgb8(decode(original, loader, header, 1.0, header.orientation > 1));
        if (header.orientation > 1) upright = withOrientation(upright, header.orientation).autorot();
        // Decoding happens while encoding, so a failure here is the original's fault.
        OBSCURA_TRY(encoded, encode(upright, format, options_.conversionQuality));
        bytes = std::move(encoded);
    } catch (const VError& e) {
        return invalidFile(loader, takeMessage(e), "undecodable");
    }
    OBSCURA_TRY_STATUS(writeFileAtomically(targetPath, bytes));
    return size;
}

}  // namespace obscura::media
