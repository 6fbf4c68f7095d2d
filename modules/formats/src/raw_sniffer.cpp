#include "raw_sniffer.hpp"

#include <cstdint>
#include <optional>

#include "obscura/formats/content_sniffer.hpp"

namespace obscura::formats {
namespace {

constexpr std::uint16_t kTagMake = 0x010F;
constexpr std::uint16_t kTagPhotometric = 0x0106;
constexpr std::uint16_t kTagSubIfds = 0x014A;
constexpr std::uint16_t kTagDngVersion = 0xC612;
constexpr std::uint16_t kTagSonySr2Private = 0x7200;
constexpr std::uint16_t kPhotometricCfa = 32803;
constexpr std::uint16_t kPhotometricLinearRaw = 34892;
constexpr std::size_t kMaxIfd0Entries = 512;

class Reader {
public:
    Reader(std::string_view s, bool little) : s_(s), little_(little) {}
    std::optional<std::uint32_t> u16(std::size_t at) const {
        if (at + 2 > s_.size()) return std::nullopt;
        auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s_[at + i])); };
        return little_ ? (b(0) | b(1) << 8) : (b(0) << 8 | b(1));
    }
    std::optional<std::uint32_t> u32(std::size_t at) const {
        auto lo = u16(little_ ? at : at + 2);
        auto hi = u16(little_ ? at + 2 : at);
        if (!lo || !hi) return std::nullopt;
        return *hi << 16 | *lo;
    }
    std::string_view bytes(std::size_t at, std::size_t n) const {
        if (at >= s_.size()) return {};
        return s_.substr(at, n);
    }

private:
    std::string_view s_;
    bool little_;
};

struct Ifd0 {
    std::string make;  // upper-cased, trimmed; empty when absent or beyond the sniffed bytes
    bool dng = false;
    bool subIfds = false;
    bool cfa = false;
    bool sr2 = false;
};

std::string upper(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (c == '\0') break;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::optional<Ifd0> readIfd0(const Reader& r, std::uint32_t offset) {
    auto count = r.u16(offset);
    if (!count || *count == 0 || *count > kMaxIfd0Entries) return std::nullopt;
    Ifd0 ifd;
    for (std::uint32_t i = 0; i < *count; ++i) {
        const std::size_t entry = offset + 2 + std::size_t{i} * 12;
        auto tag = r.u16(entry);
        auto type = r.u16(entry + 2);
        auto n = r.u32(entry + 4);
        if (!tag || !type || !n) return i > 0 ? std::optional<Ifd0>(ifd) : std::nullopt;  // cut by the 4 KiB
        if (*tag == kTagDngVersion) ifd.dng = true;
        if (*tag == kTagSubIfds) ifd.subIfds = true;
        if (*tag == kTagSonySr2Private) ifd.sr2 = true;
        if (*tag == kTagPhotometric) {
            auto v = r.u16(entry + 8);
            ifd.cfa = v && (*v == kPhotometricCfa || *v == kPhotometricLinearRaw);
        }
        if (*tag == kTagMake && *type == 2) {  // ASCII: inline up to 4 bytes, else at an offset
            if (*n <= 4) {
                ifd.make = upper(r.bytes(entry + 8, *n));
            } else if (auto at = r.u32(entry + 8); at && *n < 64) {
                ifd.make = upper(r.bytes(*at, *n));
            }
        }
    }
    return ifd;
}

bool rawStartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

Error refuseTiff(const std::string& what) {
    return {ErrorCode::UnsupportedMediaType, what};  // the sniffer adds its prefix and the accepted list
}

}  // namespace

Expected<std::string_view> sniffTiffFamily(std::string_view head) {
    if (head.size() < 8) return refuseTiff("TIFF cut short");
    const bool little = head[0] == 'I';
    const Reader r(head, little);
    auto magic = r.u16(2);
    // Olympus ORF ("IIRO", "IIRS", "MMOR") and Panasonic RW2 ("IIU\0") use their own magic in place of 42.
    if (*magic == 0x4F52 || *magic == 0x5352) return std::string_view("orf");
    if (*magic == 0x0055) return std::string_view("rw2");
    if (*magic == 43) return refuseTiff("BigTIFF (not accepted)");
    if (*magic != 42) return refuseTiff("TIFF with a bad magic number");
    // Canon CR2: "CR" and major version 2 right after the IFD0 offset.
    if (head.size() >= 11 && head.substr(8, 2) == "CR" && head[10] == 2) return std::string_view("cr2");
    auto offset = r.u32(4);
    if (!offset || *offset < 8) return refuseTiff("malformed TIFF (bad IFD offset)");
    // libtiff (so vips) writes IFD0 after the pixels: beyond the sniffed bytes it is a plain TIFF — cameras put IFD0
    // first. Beyond the end of a file shorter than the sniff, it is no TIFF at all.
    if (*offset >= head.size()) {
        if (head.size() < kSniffBytes) return refuseTiff("malformed TIFF (IFD0 lies beyond the end of the file)");
        return std::string_view("tiff");
    }
    auto ifd = readIfd0(r, *offset);
    if (!ifd) return refuseTiff("malformed TIFF (IFD0 unreadable)");
    if (ifd->dng) return std::string_view("dng");
    const bool rawData = ifd->subIfds || ifd->cfa || ifd->sr2;
    if (rawData) {
        if (rawStartsWith(ifd->make, "NIKON")) return std::string_view("nef");
        if (rawStartsWith(ifd->make, "SONY")) return std::string_view("arw");
        if (rawStartsWith(ifd->make, "PENTAX") || rawStartsWith(ifd->make, "RICOH")) return std::string_view("pef");
        if (rawStartsWith(ifd->make, "OLYMPUS") || rawStartsWith(ifd->make, "OM DIGITAL"))
            return std::string_view("orf");
        if (rawStartsWith(ifd->make, "PANASONIC")) return std::string_view("rw2");
    }
    return std::string_view("tiff");
}

}  // namespace obscura::formats
