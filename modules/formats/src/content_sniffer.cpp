#include "obscura/formats/content_sniffer.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "raw_sniffer.hpp"

namespace obscura::formats {
namespace {

using namespace std::string_view_literals;
using Brand = std::string_view;

// HEIF brands (ISO/IEC 23008-12 and its amendments) for HEVC-coded images and sequences.
constexpr std::array<Brand, 8> kHevcBrands = {"heic", "heix", "hevc", "hevx", "heim", "heis", "hevm", "hevs"};
// Generic HEIF structure brands: the codec is named by another brand, if any.
constexpr std::array<Brand, 2> kHeifBrands = {"mif1", "msf1"};
// AV1 in HEIF. Not on DESIGN.md's list, and these files also carry mif1, so they are checked first.
constexpr std::array<Brand, 3> kAvifBrands = {"avif", "avis", "avio"};
// ISO base media and MP4 video brands.
constexpr std::array<Brand, 16> kMp4Brands = {"isom", "iso2", "iso3", "iso4", "iso5", "iso6", "mp41", "mp42",
                                              "mp71", "avc1", "M4V ", "M4VH", "M4VP", "MSNV", "dash", "f4v "};
constexpr std::array<Brand, 5> kAudioBrands = {"M4A ", "M4B ", "M4P ", "F4A ", "F4B "};
constexpr Brand kQuickTimeBrand = "qt  ";

template <std::size_t N>
bool contains(const std::array<Brand, N>& set, Brand b) {
    for (auto s : set) {
        if (s == b) return true;
    }
    return false;
}

std::uint32_t be32(std::string_view s, std::size_t at) {
    auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i])); };
    return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

Error refuse(std::string_view what) {
    return {ErrorCode::UnsupportedMediaType,
            "unsupported media type: " + std::string(what) +
                " (accepted: JPEG, PNG, WebP, GIF, HEIC/HEIF, TIFF, camera RAW, MP4, MOV, WebM, MKV)"};
}

Expected<const MediaType*> accept(std::string_view name) {
    if (const auto* t = mediaTypeByName(name)) return t;
    return internalError("media type table lacks '" + std::string(name) + "'");
}

// ISO base media: `size "ftyp" major minor compatible*`. Major and compatible brands are both consulted,
// because the major brand alone is often a generic one (mif1, isom) and the codec brand is compatible.
Expected<const MediaType*> sniffFtyp(std::string_view head) {
    std::uint32_t size = be32(head, 0);
    if (size < 16 || size % 4 != 0) return refuse("malformed ISO media file (bad ftyp box)");
    Brand major = head.substr(8, 4);
    std::vector<Brand> compatible;
    for (std::size_t at = 16; at + 4 <= size && at + 4 <= head.size(); at += 4)
        compatible.push_back(head.substr(at, 4));
    auto any = [&](auto& set) {
        if (contains(set, major)) return true;
        for (auto b : compatible) {
            if (contains(set, b)) return true;
        }
        return false;
    };
    if (contains(kAudioBrands, major)) return refuse("audio-only MPEG-4 (M4A)");
    if (major == "crx ") return accept("cr3");
    if (any(kHevcBrands)) return accept("heic");
    if (any(kAvifBrands)) return refuse("AVIF");
    if (any(kHeifBrands)) return accept("heif");
    if (major == kQuickTimeBrand) return accept("mov");
    if (contains(kMp4Brands, major)) return accept("mp4");
    for (auto b : compatible) {
        if (b == kQuickTimeBrand) return accept("mov");
        if (contains(kMp4Brands, b)) return accept("mp4");
    }
    return refuse("ISO media file with unknown brand '" + std::string(major) + "'");
}

// QuickTime files from before ftyp existed start straight with their atoms. `free`/`skip` are accepted
// only when a movie atom follows, since they say nothing on their own.
bool isLegacyQuickTime(std::string_view head) {
    auto isMovieAtom = [](std::string_view t) { return t == "moov" || t == "mdat" || t == "wide" || t == "pnot"; };
    std::uint32_t size = be32(head, 0);
    std::string_view type = head.substr(4, 4);
    if (size < 8) return false;
    if (isMovieAtom(type)) return true;
    if ((type == "free" || type == "skip") && size + 8 <= head.size()) return isMovieAtom(head.substr(size + 4, 4));
    return false;
}

// An EBML variable-length integer: the count of leading zero bits of the first byte gives the length.
std::optional<std::uint64_t> readVint(std::string_view s, std::size_t& at, bool keepMarker) {
    if (at >= s.size()) return std::nullopt;
    auto first = static_cast<unsigned char>(s[at]);
    if (first == 0) return std::nullopt;
    std::size_t len = 1;
    while (!(first & (0x80 >> (len - 1)))) ++len;
    if (at + len > s.size()) return std::nullopt;
    std::uint64_t v = keepMarker ? first : first & (0xFF >> len);
    for (std::size_t i = 1; i < len; ++i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
    at += len;
    return v;
}

// Matroska and WebM share the EBML header; its DocType element tells them apart.
Expected<const MediaType*> sniffEbml(std::string_view head) {
    constexpr std::uint64_t kDocType = 0x4282;
    std::size_t at = 4;
    auto headerSize = readVint(head, at, false);
    if (!headerSize) return refuse("malformed EBML file");
    std::size_t end = *headerSize > head.size() - at ? head.size() : at + static_cast<std::size_t>(*headerSize);
    while (at < end) {
        auto id = readVint(head, at, true);
        auto size = readVint(head, at, false);
        if (!id || !size || at > end || *size > end - at) break;
        if (*id == kDocType) {
            std::string_view docType = head.substr(at, static_cast<std::size_t>(*size));
            while (!docType.empty() && docType.back() == '\0') docType.remove_suffix(1);
            if (docType == "webm") return accept("webm");
            if (docType == "matroska") return accept("mkv");
            return refuse("EBML file of type '" + std::string(docType.substr(0, 32)) + "'");
        }
        at += static_cast<std::size_t>(*size);
    }
    return refuse("EBML file without a DocType");
}

// Only names what a refused file looks like: acceptance is decided by the signatures above alone. NULs count
// as blanks so that UTF-16 markup (`<\0s\0v\0g\0`, with or without a BOM) is named as markup too.
std::string_view stripBomAndBlanks(std::string_view s) {
    for (std::string_view bom : {"\xEF\xBB\xBF", "\xFE\xFF", "\xFF\xFE"}) {
        if (startsWith(s, bom)) {
            s.remove_prefix(bom.size());
            break;
        }
    }
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n' ||
                          s.front() == '\f' || s.front() == '\0')) {
        s.remove_prefix(1);
    }
    return s;
}

bool looksLikeText(std::string_view s) {
    for (unsigned char c : s) {
        if (c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f') return false;
    }
    return true;
}

Error describeRefused(std::string_view head) {
    if (startsWith(head, "%PDF-")) return refuse("PDF");
    if (startsWith(head, "8BPS")) return refuse("Photoshop document");
    if (startsWith(head, "\xFF\x0A") || startsWith(head, "\0\0\0\x0CJXL \r\n\x87\n"sv)) return refuse("JPEG XL");
    if (startsWith(head, "RIFF") && head.size() >= 12)
        return refuse("RIFF file of type '" + std::string(head.substr(8, 4)) + "'");
    if (startsWith(head, "OggS") || startsWith(head, "fLaC") || startsWith(head, "ID3")) return refuse("audio");
    if (startsWith(head, "\x1F\x8B") || startsWith(head, "PK\x03\x04") || startsWith(head, "7z\xBC\xAF"))
        return refuse("archive");
    if (startsWith(head,
                   "\x7F"
                   "ELF"))
        return refuse("executable");
    std::string_view text = stripBomAndBlanks(head);
    if (startsWith(text, "#EXTM3U")) return refuse("HLS playlist");
    if (startsWith(text, "ffconcat version")) return refuse("ffconcat script");
    if (startsWith(text, "<")) return refuse("SVG/HTML/XML markup");
    if (looksLikeText(head)) return refuse("text");
    return refuse("unrecognised content");
}

}  // namespace

Expected<const MediaType*> sniffMediaType(std::string_view head) {
    if (head.empty()) return badRequest("empty file");
    if (startsWith(head, "\xFF\xD8\xFF")) return accept("jpeg");
    if (startsWith(head, "\x89PNG\r\n\x1A\n") && head.size() >= 16 && head.substr(12, 4) == "IHDR")
        return accept("png");
    if (startsWith(head, "GIF87a") || startsWith(head, "GIF89a")) return accept("gif");
    if (startsWith(head, "RIFF") && head.size() >= 16 && head.substr(8, 4) == "WEBP") {
        auto chunk = head.substr(12, 4);
        if (chunk == "VP8 " || chunk == "VP8L" || chunk == "VP8X") return accept("webp");
        return refuse("WebP without an image chunk");
    }
    if (head.size() >= 12 && head.substr(4, 4) == "ftyp") return sniffFtyp(head);
    if (head.size() >= 8 && isLegacyQuickTime(head)) return accept("mov");
    if (startsWith(head, "\x1A\x45\xDF\xA3")) return sniffEbml(head);
    // TIFF and the RAWs built on it ("II*\0", "MM\0*", and ORF's and RW2's own magic numbers).
    if (startsWith(head, "II") || startsWith(head, "MM")) {
        auto magic = head.substr(2, 2);
        if (magic == "*\0"sv || magic == "\0*"sv || magic == "+\0"sv || magic == "\0+"sv || magic == "RO" ||
            magic == "RS" || magic == "OR" || magic == "U\0"sv) {
            auto family = sniffTiffFamily(head);
            if (!family) return refuse(family.error().message);
            return accept(*family);
        }
    }
    // Fujifilm RAF: its own header, then a JPEG preview and the CFA data at offsets it lists.
    if (startsWith(head, "FUJIFILMCCD-RAW ")) return accept("raf");
    return describeRefused(head);
}

}  // namespace obscura::formats
