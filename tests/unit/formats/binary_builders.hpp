#pragma once
// Small builders for hand-made hostile inputs: ISO-BMFF boxes and TIFF/EXIF structures.
#include <cstdint>
#include <string>
#include <vector>

namespace obscura::formats::test {

inline std::string be16(std::uint16_t v) { return {char(v >> 8), char(v)}; }
inline std::string be32(std::uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }
inline std::string le16(std::uint16_t v) { return {char(v), char(v >> 8)}; }
inline std::string le32(std::uint32_t v) { return {char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; }

inline std::string box(const std::string& type, const std::string& body) {
    return be32(static_cast<std::uint32_t>(8 + body.size())) + type + body;
}
inline std::string fullBox(const std::string& type, std::uint8_t version, std::uint32_t flags,
                           const std::string& body) {
    return box(type, std::string{char(version), char(flags >> 16), char(flags >> 8), char(flags)} + body);
}

// A little-endian TIFF with IFD0 and optional Exif and GPS sub-IFDs, prefixed "Exif\0\0". Values that do not
// fit in an entry are placed after the IFDs.
class TiffBuilder {
public:
    struct Entry {
        std::uint16_t tag, type;
        std::uint32_t count;
        std::string data;  // raw little-endian value bytes
    };
    static Entry ascii(std::uint16_t tag, const std::string& s) {
        return {tag, 2, std::uint32_t(s.size() + 1), s + '\0'};
    }
    static Entry shortValue(std::uint16_t tag, std::uint16_t v) { return {tag, 3, 1, le16(v)}; }
    static Entry rationals(std::uint16_t tag, std::vector<std::pair<std::uint32_t, std::uint32_t>> rs) {
        std::string d;
        for (auto [n, den] : rs) d += le32(n) + le32(den);
        return {tag, 5, std::uint32_t(rs.size()), d};
    }

    std::vector<Entry> ifd0, exif, gps;

    std::string build() const {
        // Layout: header(8) | IFD0 | ExifIFD | GPSIFD | out-of-line data
        auto ifdSize = [](std::size_t n) { return 2 + 12 * n + 4; };
        std::vector<Entry> i0 = ifd0;
        if (!exif.empty()) i0.push_back({0x8769, 4, 1, le32(0)});
        if (!gps.empty()) i0.push_back({0x8825, 4, 1, le32(0)});
        std::uint32_t off0 = 8;
        std::uint32_t offExif = off0 + std::uint32_t(ifdSize(i0.size()));
        std::uint32_t offGps = offExif + std::uint32_t(exif.empty() ? 0 : ifdSize(exif.size()));
        std::uint32_t offData = offGps + std::uint32_t(gps.empty() ? 0 : ifdSize(gps.size()));
        for (auto& e : i0) {
            if (e.tag == 0x8769) e.data = le32(offExif);
            if (e.tag == 0x8825) e.data = le32(offGps);
        }
        std::string data;
        auto writeIfd = [&](std::vector<Entry> entries) {
            std::string out = le16(std::uint16_t(entries.size()));
            for (const auto& e : entries) {
                out += le16(e.tag) + le16(e.type) + le32(e.count);
                if (e.data.size() <= 4) {
                    out += e.data + std::string(4 - e.data.size(), '\0');
                } else {
                    out += le32(offData + std::uint32_t(data.size()));
                    data += e.data;
                    if (data.size() % 2) data += '\0';
                }
            }
            return out + le32(0);
        };
        std::string tiff = std::string("II*\0", 4) + le32(off0) + writeIfd(i0);
        if (!exif.empty()) tiff += writeIfd(exif);
        if (!gps.empty()) tiff += writeIfd(gps);
        return std::string("Exif\0\0", 6) + tiff + data;
    }
};

}  // namespace obscura::formats::test
