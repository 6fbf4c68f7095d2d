// HEIF (ISO/IEC 23008-12) header reading: the primary item's size (ispe), its transform (irot, imir) and
// the Exif item, all from the `meta` box. Clean-aperture cropping (clap) is not applied: the size reported
// is the coded one, which for camera files is the picture's size (grids already carry the output size).
#include <vector>

#include "byte_reader.hpp"
#include "obscura/formats/image_header.hpp"

namespace obscura::formats {
namespace {

constexpr std::uint64_t kMaxMetaBytes = 8 * 1024 * 1024;  // iPhone meta boxes are tens of KiB
constexpr int kMaxTopLevelBoxes = 64;
constexpr std::size_t kMaxExtents = 64;
// Work bounds for hostile meta boxes: iloc fields may be zero bytes wide, so an extent can cost no input at
// all, and ipma can name at most 2^15 properties.
constexpr std::uint64_t kMaxIlocExtentsVisited = 1u << 20;
constexpr std::size_t kMaxProperties = 1u << 15;

Error corrupt(std::string_view why) { return {ErrorCode::UnsupportedMediaType, "corrupt HEIF: " + std::string(why)}; }

struct Box {
    std::string_view type;
    std::string_view body;
};

// The next child box in `c`, or nullopt at the end or on a box that overruns its parent.
std::optional<Box> nextBox(ByteCursor& c) {
    if (c.remaining() < 8) return std::nullopt;
    std::uint64_t size = c.be32();
    std::string_view type = c.bytes(4);
    std::uint64_t header = 8;
    if (size == 1) {
        size = c.be64();
        header = 16;
    } else if (size == 0) {
        size = header + c.remaining();
    }
    if (c.failed() || size < header || size - header > c.remaining()) return std::nullopt;
    return Box{type, c.bytes(static_cast<std::size_t>(size - header))};
}

// An orientation as (mirror horizontally first?, then rotate r×90° clockwise): the dihedral group in a form
// where composing transforms is arithmetic. EXIF values map onto it one to one.
struct Transform {
    bool mirror = false;
    int rotation = 0;

    void rotateClockwise(int quarterTurns) { rotation = (rotation + quarterTurns) % 4; }
    void mirrorHorizontally() {  // H·R(r) = R(-r)·H
        mirror = !mirror;
        rotation = (4 - rotation) % 4;
    }
    void mirrorVertically() {  // V = R(180)·H
        mirrorHorizontally();
        rotateClockwise(2);
    }
    int exifOrientation() const {
        static constexpr int kPlain[4] = {1, 6, 3, 8};
        static constexpr int kMirrored[4] = {2, 7, 4, 5};
        return mirror ? kMirrored[rotation] : kPlain[rotation];
    }
};

struct Extent {
    std::uint64_t offset = 0, length = 0;
};

struct ItemLocation {
    int method = 0;  // 0: file offsets, 1: offsets into idat
    std::uint64_t baseOffset = 0;
    std::vector<Extent> extents;
};

// Only what concerns the primary item and the Exif item is kept, so memory stays proportional to those two
// whatever a meta box lists.
struct Meta {
    std::optional<std::uint32_t> primary;
    std::optional<std::uint32_t> exifItem;
    std::optional<ItemLocation> exifLocation;
    std::vector<Box> properties;                   // ipco children; ipma indices are 1-based into this
    std::vector<std::uint16_t> primaryProperties;  // in association order
    std::string_view idat;
};

std::uint8_t fullBoxVersion(ByteCursor& c, std::uint32_t* flags = nullptr) {
    std::uint8_t v = c.u8();
    std::uint32_t f = static_cast<std::uint32_t>(c.uintBE(3));
    if (flags) *flags = f;
    return v;
}

void parseInfe(ByteCursor c, Meta& m) {
    std::uint8_t v = fullBoxVersion(c);
    if (v < 2) return;  // old entries have no item type, so cannot name an Exif item
    std::uint32_t id = v == 2 ? c.be16() : c.be32();
    c.be16();  // protection index
    if (!c.failed() && c.bytes(4) == "Exif" && !m.exifItem) m.exifItem = id;
}

void parseIinf(ByteCursor c, Meta& m) {
    std::uint8_t v = fullBoxVersion(c);
    c.skip(v == 0 ? 2 : 4);  // entry count: the boxes themselves are the truth
    while (auto box = nextBox(c)) {
        if (box->type == "infe") parseInfe(ByteCursor(box->body), m);
    }
}

Status parseIloc(ByteCursor c, Meta& m) {
    std::uint8_t v = fullBoxVersion(c);
    std::uint8_t sizes = c.u8();
    std::uint8_t sizes2 = c.u8();
    std::size_t offsetSize = sizes >> 4, lengthSize = sizes & 15, baseSize = sizes2 >> 4;
    std::size_t indexSize = (v == 1 || v == 2) ? (sizes2 & 15) : 0;
    for (std::size_t s : {offsetSize, lengthSize, baseSize, indexSize}) {
        if (s != 0 && s != 4 && s != 8) return corrupt("iloc field size other than 0, 4 or 8");
    }
    std::uint32_t count = v < 2 ? c.be16() : c.be32();
    std::uint64_t visited = 0;
    for (std::uint32_t i = 0; i < count && !c.failed(); ++i) {
        ItemLocation loc;
        std::uint32_t id = v < 2 ? c.be16() : c.be32();
        if (v == 1 || v == 2) loc.method = c.be16() & 0xF;
        c.be16();  // data reference index
        loc.baseOffset = c.uintBE(baseSize);
        std::uint16_t extents = c.be16();
        if ((visited += extents) > kMaxIlocExtentsVisited) return corrupt("iloc lists too many extents");
        for (std::uint16_t e = 0; e < extents && !c.failed(); ++e) {
            c.skip(indexSize);
            Extent ext{c.uintBE(offsetSize), c.uintBE(lengthSize)};
            if (loc.extents.size() < kMaxExtents) loc.extents.push_back(ext);
        }
        if (!c.failed() && m.exifItem == id) m.exifLocation = std::move(loc);
    }
    return {};
}

void parseIpma(ByteCursor c, Meta& m) {
    std::uint32_t flags = 0;
    std::uint8_t v = fullBoxVersion(c, &flags);
    std::uint32_t count = c.be32();
    for (std::uint32_t i = 0; i < count && !c.failed(); ++i) {
        std::uint32_t id = v < 1 ? c.be16() : c.be32();
        std::uint8_t n = c.u8();
        std::vector<std::uint16_t> indices;
        for (std::uint8_t k = 0; k < n && !c.failed(); ++k) {
            indices.push_back((flags & 1) ? (c.be16() & 0x7FFF) : (c.u8() & 0x7F));
        }
        if (!c.failed() && m.primary == id) m.primaryProperties = std::move(indices);
    }
}

void parseIprp(ByteCursor c, Meta& m) {
    while (auto box = nextBox(c)) {
        if (box->type == "ipco") {
            ByteCursor props(box->body);
            while (auto p = nextBox(props)) {
                if (m.properties.size() == kMaxProperties) break;
                m.properties.push_back(*p);
            }
        } else if (box->type == "ipma") {
            parseIpma(ByteCursor(box->body), m);
        }
    }
}

Expected<Meta> parseMeta(std::string_view metaBody) {
    std::optional<Box> pitm, iinf, iloc, iprp;
    Meta m;
    ByteCursor c(metaBody);
    fullBoxVersion(c);
    while (auto box = nextBox(c)) {
        if (box->type == "pitm" && !pitm) pitm = box;
        if (box->type == "iinf" && !iinf) iinf = box;
        if (box->type == "iloc" && !iloc) iloc = box;
        if (box->type == "iprp" && !iprp) iprp = box;
        if (box->type == "idat" && m.idat.empty()) m.idat = box->body;
    }
    // In dependency order, whatever order the file has: ipma needs the primary item, iloc the Exif item.
    if (pitm) {
        ByteCursor p(pitm->body);
        std::uint8_t v = fullBoxVersion(p);
        std::uint32_t id = v == 0 ? p.be16() : p.be32();
        if (!p.failed()) m.primary = id;
    }
    if (iinf) parseIinf(ByteCursor(iinf->body), m);
    if (iprp) parseIprp(ByteCursor(iprp->body), m);
    if (iloc) OBSCURA_TRY_STATUS(parseIloc(ByteCursor(iloc->body), m));
    return m;
}

// The Exif item's payload starts with a 32-bit offset to the TIFF header (which usually follows "Exif\0\0").
std::string readExifItem(const FileReader& f, const Meta& m) {
    if (!m.exifLocation || m.exifLocation->extents.empty()) return {};
    const ItemLocation& loc = *m.exifLocation;
    std::string payload;
    for (const auto& e : loc.extents) {
        std::uint64_t at = loc.baseOffset + e.offset;
        std::uint64_t len = e.length;
        if (at < e.offset) return {};  // wrapped around
        std::uint64_t avail = loc.method == 0 ? f.size() : m.idat.size();
        if (len == 0 && at <= avail) len = avail - at;  // length 0: to the end of the source
        if (at > avail || len > avail - at || payload.size() + len > kMaxExifBytes) return {};
        if (loc.method == 0) {
            auto bytes = f.read(at, static_cast<std::size_t>(len), "HEIF Exif item");
            if (!bytes) return {};
            payload += *bytes;
        } else if (loc.method == 1) {
            payload.append(m.idat.substr(static_cast<std::size_t>(at), static_cast<std::size_t>(len)));
        } else {
            return {};
        }
    }
    ByteCursor c(payload);
    std::uint32_t tiffOffset = c.be32();
    if (c.failed() || tiffOffset > c.remaining()) return {};
    std::string block = payload.substr(4 + tiffOffset);
    if (block.compare(0, 4, "II*\0", 4) != 0 && block.compare(0, 4, "MM\0*", 4) != 0 &&
        block.compare(0, 6, std::string_view("Exif\0\0", 6)) != 0) {
        // Some writers count the offset from before "Exif\0\0"; look for the TIFF header just after it.
        auto at = payload.find(std::string_view("Exif\0\0", 6), 4);
        if (at == std::string::npos) return {};
        block = payload.substr(at);
    }
    return normaliseExifBlock(std::move(block));
}

// Size and transform of the primary item from its properties. Transforms apply in association order
// (ISO/IEC 23008-12, 6.5.1). False when it has no ispe.
bool applyPrimaryProperties(const Meta& meta, ImageHeader& out, Transform& transform) {
    bool sized = false;
    for (std::uint16_t index : meta.primaryProperties) {
        if (index == 0 || index > meta.properties.size()) continue;
        const Box& p = meta.properties[index - 1];
        ByteCursor pc(p.body);
        if (p.type == "ispe" && !sized) {
            fullBoxVersion(pc);
            out.width = pc.be32();
            out.height = pc.be32();
            sized = !pc.failed();
        } else if (p.type == "irot") {
            transform.rotateClockwise((4 - (pc.u8() & 3)) % 4);  // irot turns anticlockwise
        } else if (p.type == "imir") {
            // axis 0: about a vertical axis (left-right flip); 1: about a horizontal axis.
            if (pc.u8() & 1) {
                transform.mirrorVertically();
            } else {
                transform.mirrorHorizontally();
            }
        }
    }
    return sized;
}

}  // namespace

Expected<ImageHeader> readHeifHeader(const FileReader& f) {
    std::uint64_t pos = 0;
    for (int i = 0; i < kMaxTopLevelBoxes && pos + 8 <= f.size(); ++i) {
        OBSCURA_TRY(head, f.readUpTo(pos, 16));
        ByteCursor c(head);
        std::uint64_t size = c.be32();
        std::string_view type = c.bytes(4);
        std::uint64_t header = 8;
        if (size == 1) {
            size = c.be64();
            header = 16;
        } else if (size == 0) {
            size = f.size() - pos;
        }
        if (c.failed() || size < header || size > f.size() - pos) return corrupt("top-level box overruns the file");
        if (type != "meta") {
            pos += size;
            continue;
        }
        if (size > kMaxMetaBytes) return corrupt("meta box larger than 8 MiB");
        OBSCURA_TRY(body, f.read(pos + header, static_cast<std::size_t>(size - header), "meta box"));
        OBSCURA_TRY(meta, parseMeta(body));
        if (!meta.primary) return corrupt("no primary item (pitm)");
        ImageHeader out;
        Transform transform;
        bool sized = applyPrimaryProperties(meta, out, transform);
        if (!sized || out.width == 0 || out.height == 0) return corrupt("primary item has no size (ispe)");
        out.containerOrientation = transform.exifOrientation();
        out.exif = readExifItem(f, meta);
        return out;
    }
    return corrupt("no meta box");
}

}  // namespace obscura::formats
