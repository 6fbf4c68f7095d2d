#include "webp_metadata.hpp"

#include <cstdint>

namespace obscura::media {
namespace {

std::uint32_t readLe32(std::string_view s, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

void writeLe32(std::string& s, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

// VP8X flag bits (WebP container spec): ICC profile, EXIF, XMP.
constexpr unsigned char kIccFlag = 0x20, kExifFlag = 0x08, kXmpFlag = 0x04;

}  // namespace

Expected<std::string> stripWebpMetadata(std::string_view webp) {
    if (webp.size() < 12 || webp.substr(0, 4) != "RIFF" || webp.substr(8, 4) != "WEBP") {
        return internalError("not a WebP container");
    }
    std::uint64_t riffEnd = 8ull + readLe32(webp, 4);
    if (riffEnd > webp.size()) return internalError("truncated WebP container");
    std::string out(webp.substr(0, 12));
    std::size_t at = 12;
    while (at + 8 <= riffEnd) {
        std::string_view fourcc = webp.substr(at, 4);
        std::uint64_t size = readLe32(webp, at + 4);
        std::uint64_t padded = 8 + size + (size & 1);  // chunks are padded to an even length
        if (at + padded > riffEnd) return internalError("truncated WebP chunk");
        if (fourcc != "EXIF" && fourcc != "XMP " && fourcc != "ICCP") {
            std::size_t start = out.size();
            out.append(webp.substr(at, padded));
            if (fourcc == "VP8X" && size >= 1) {
                out[start + 8] =
                    static_cast<char>(static_cast<unsigned char>(out[start + 8]) & ~(kIccFlag | kExifFlag | kXmpFlag));
            }
        }
        at += padded;
    }
    if (at != riffEnd) return internalError("trailing bytes in WebP container");
    writeLe32(out, 4, static_cast<std::uint32_t>(out.size() - 8));
    return out;
}

}  // namespace obscura::media
