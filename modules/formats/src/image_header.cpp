#include "obscura/formats/image_header.hpp"

#include "byte_reader.hpp"

namespace obscura::formats {
namespace {

// Bounds on how far we walk a file's structure looking for a header: real files need a handful of steps,
// hostile ones must not turn a header read into a scan of a 2 GB upload.
constexpr int kMaxJpegSegments = 1024;
constexpr int kMaxChunks = 4096;

Error corrupt(std::string_view format, std::string_view why) {
    return {ErrorCode::UnsupportedMediaType, "corrupt " + std::string(format) + ": " + std::string(why)};
}

Status checkSize(std::string_view format, std::uint64_t w, std::uint64_t h) {
    if (w == 0 || h == 0) return corrupt(format, "image has a zero width or height");
    return {};
}

bool isSofMarker(unsigned char m) { return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC; }

Expected<ImageHeader> readJpeg(const FileReader& f) {
    ImageHeader out;
    std::uint64_t pos = 2;  // after SOI, checked by the sniffer
    for (int i = 0; i < kMaxJpegSegments; ++i) {
        OBSCURA_TRY(head, f.read(pos, 4, "JPEG marker"));
        ByteCursor c(head);
        if (c.u8() != 0xFF) return corrupt("JPEG", "expected a marker");
        unsigned char marker = c.u8();
        if (marker == 0xFF) {  // fill byte before a marker
            pos += 1;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // markers without a length
            pos += 2;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) return corrupt("JPEG", "image data before any frame header");
        std::uint16_t len = c.be16();
        if (len < 2) return corrupt("JPEG", "segment length below 2");
        if (isSofMarker(marker)) {
            OBSCURA_TRY(sof, f.read(pos + 4, 5, "JPEG frame header"));
            ByteCursor s(sof);
            s.u8();  // sample precision
            std::uint16_t height = s.be16();
            std::uint16_t width = s.be16();
            // Height 0 would defer it to a DNL marker after the first scan; no camera writes that.
            OBSCURA_TRY_STATUS(checkSize("JPEG", width, height));
            out.width = width;
            out.height = height;
            return out;
        }
        if (marker == 0xE1 && out.exif.empty() && len >= 8) {
            OBSCURA_TRY(app1, f.read(pos + 4, len - 2u, "JPEG APP1 segment"));
            if (app1.compare(0, 6, std::string_view("Exif\0\0", 6)) == 0) out.exif = std::move(app1);
        }
        pos += 2u + len;
    }
    return corrupt("JPEG", "no frame header within the first segments");
}

Expected<ImageHeader> readPng(const FileReader& f) {
    OBSCURA_TRY(head, f.read(0, 33, "PNG header"));
    ByteCursor c(head);
    c.skip(8);
    if (c.be32() != 13 || c.bytes(4) != "IHDR") return corrupt("PNG", "first chunk is not IHDR");
    ImageHeader out;
    out.width = c.be32();
    out.height = c.be32();
    if (out.width > 0x7FFFFFFFu || out.height > 0x7FFFFFFFu) return corrupt("PNG", "dimensions beyond 2^31-1");
    OBSCURA_TRY_STATUS(checkSize("PNG", out.width, out.height));
    std::uint64_t pos = 33;
    for (int i = 0; i < kMaxChunks && pos + 8 <= f.size(); ++i) {
        OBSCURA_TRY(chunk, f.read(pos, 8, "PNG chunk header"));
        ByteCursor h(chunk);
        std::uint32_t len = h.be32();
        std::string_view type = h.bytes(4);
        if (type == "IEND") break;
        if (type == "eXIf") {
            if (len <= kMaxExifBytes) {
                auto payload = f.read(pos + 8, len, "PNG eXIf chunk");
                if (payload) out.exif = normaliseExifBlock(std::move(*payload));
            }
            break;
        }
        pos += 12ull + len;  // length, type, data, CRC
    }
    return out;
}

Expected<ImageHeader> readGif(const FileReader& f) {
    OBSCURA_TRY(head, f.read(0, 10, "GIF header"));
    ByteCursor c(head);
    c.skip(6);
    ImageHeader out;
    out.width = c.le16();
    out.height = c.le16();
    OBSCURA_TRY_STATUS(checkSize("GIF", out.width, out.height));
    return out;
}

// EXIF sits in its own chunk after the image data in extended (VP8X) files.
void findWebpExif(const FileReader& f, ImageHeader& out) {
    std::uint64_t pos = 12;
    for (int i = 0; i < kMaxChunks && pos + 8 <= f.size(); ++i) {
        auto chunk = f.read(pos, 8, "WebP chunk header");
        if (!chunk) return;
        ByteCursor h(*chunk);
        std::string_view type = h.bytes(4);
        std::uint32_t len = h.le32();
        if (type == "EXIF") {
            if (len > kMaxExifBytes) return;
            auto payload = f.read(pos + 8, len, "WebP EXIF chunk");
            if (payload) out.exif = normaliseExifBlock(std::move(*payload));
            return;
        }
        pos += 8ull + len + (len & 1);  // chunks are padded to an even size
    }
}

Expected<ImageHeader> readWebp(const FileReader& f) {
    OBSCURA_TRY(head, f.read(0, 30, "WebP header"));
    ByteCursor c(head);
    c.skip(12);
    std::string_view chunk = c.bytes(4);
    c.skip(4);  // chunk size
    ImageHeader out;
    if (chunk == "VP8 ") {
        std::uint32_t frameTag = c.le24();
        if (frameTag & 1) return corrupt("WebP", "first VP8 frame is not a key frame");
        if (c.bytes(3) != "\x9D\x01\x2A") return corrupt("WebP", "bad VP8 start code");
        out.width = c.le16() & 0x3FFF;
        out.height = c.le16() & 0x3FFF;
    } else if (chunk == "VP8L") {
        if (c.u8() != 0x2F) return corrupt("WebP", "bad VP8L signature");
        std::uint32_t bits = c.le32();
        out.width = (bits & 0x3FFF) + 1;
        out.height = ((bits >> 14) & 0x3FFF) + 1;
    } else if (chunk == "VP8X") {
        std::uint8_t flags = c.u8();
        c.skip(3);
        out.width = c.le24() + 1;
        out.height = c.le24() + 1;
        if (flags & 0x08) findWebpExif(f, out);
    } else {
        return corrupt("WebP", "no image chunk");
    }
    OBSCURA_TRY_STATUS(checkSize("WebP", out.width, out.height));
    return out;
}

}  // namespace

std::string normaliseExifBlock(std::string payload) {
    static const std::string kPrefix("Exif\0\0", 6);
    if (payload.compare(0, kPrefix.size(), kPrefix) == 0) return payload;
    return kPrefix + payload;
}

Expected<ImageHeader> readImageHeader(const std::string& path, const MediaType& type) {
    OBSCURA_TRY(file, FileReader::open(path));
    if (type.name == "jpeg") return readJpeg(file);
    if (type.name == "png") return readPng(file);
    if (type.name == "gif") return readGif(file);
    if (type.name == "webp") return readWebp(file);
    if (type.name == "heic" || type.name == "heif") return readHeifHeader(file);
    return internalError("no image header reader for media type '" + std::string(type.name) + "'");
}

}  // namespace obscura::formats
