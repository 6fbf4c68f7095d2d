#include "raw_metadata.hpp"

#include <array>
#include <exiv2/exiv2.hpp>
#include <mutex>

#include "obscura/base/utf8.hpp"
#include "obscura/formats/image_header.hpp"

namespace obscura::formats {
namespace {

constexpr std::size_t kMaxRawTextBytes = 255;
constexpr std::uint32_t kMaxSide = 1u << 20;

// exiv2's XMP toolkit must be initialised once before threads use it; its log would print to stderr.
void initialiseExiv2() {
    static std::once_flag once;
    std::call_once(once, [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        Exiv2::XmpParser::initialize();
#ifdef EXV_ENABLE_BMFF
        Exiv2::enableBMFF(true);  // Canon CR3 is ISO-BMFF inside
#endif
    });
}

class Tags {
public:
    explicit Tags(const Exiv2::ExifData& data) : data_(data) {}

    const Exiv2::Exifdatum* find(const char* key) const {
        auto it = data_.findKey(Exiv2::ExifKey(key));
        if (it == data_.end() || it->count() == 0) return nullptr;
        return &*it;
    }
    std::optional<std::string> text(const char* key) const {
        const auto* d = find(key);
        if (!d) return std::nullopt;
        std::string raw = d->toString();
        raw = raw.substr(0, raw.find('\0'));
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.pop_back();
        std::size_t start = raw.find_first_not_of(" \t");
        if (start == std::string::npos) return std::nullopt;
        std::string clean = cleanUtf8Text(std::string_view(raw).substr(start), kMaxRawTextBytes);
        if (clean.empty()) return std::nullopt;
        return clean;
    }
    std::optional<double> rational(const char* key, long i = 0) const {
        const auto* d = find(key);
        if (!d || static_cast<long>(d->count()) <= i) return std::nullopt;
        auto r = d->toRational(i);
        if (r.second == 0) return std::nullopt;
        return static_cast<double>(r.first) / r.second;
    }
    std::optional<long> integer(const char* key) const {
        const auto* d = find(key);
        if (!d) return std::nullopt;
        return d->toLong(0);
    }
    std::optional<long> integer(const std::string& key) const { return integer(key.c_str()); }

private:
    const Exiv2::ExifData& data_;
};

std::optional<double> degrees(const Tags& t, const char* value, const char* ref, char negative, double limit) {
    auto d = t.rational(value, 0), m = t.rational(value, 1), s = t.rational(value, 2);
    auto r = t.text(ref);
    if (!d || !m || !s || !r) return std::nullopt;
    double v = *d + *m / 60 + *s / 3600;
    if (v > limit || v < 0) return std::nullopt;
    return (*r)[0] == negative ? -v : v;
}

ExifInfo readExif(const Exiv2::ExifData& data) {
    const Tags t(data);
    ExifInfo e;
    e.make = t.text("Exif.Image.Make");
    e.model = t.text("Exif.Image.Model");
    e.lens = t.text("Exif.Photo.LensModel");
    if (!e.lens) {
        // The makers' own lens tags, interpreted by exiv2 (Canon's LensType number → a name, …).
        auto it = Exiv2::lensName(data);
        if (it != data.end()) {
            std::string printed = it->print(&data);
            if (!printed.empty() && printed[0] != '(') e.lens = cleanUtf8Text(printed, kMaxRawTextBytes);
        }
    }
    if (auto f = t.rational("Exif.Photo.FNumber"); f && *f > 0 && *f < 1000) e.fNumber = f;
    if (const auto* x = t.find("Exif.Photo.ExposureTime")) {
        auto r = x->toRational(0);
        if (r.second > 0 && r.first > 0) {
            e.exposureTime = static_cast<double>(r.first) / r.second;
            e.exposureTimeText = r.first == 1 ? "1/" + std::to_string(r.second) : x->print();
        }
    }
    auto iso = t.integer("Exif.Photo.ISOSpeedRatings");
    if (!iso) {
        auto it = Exiv2::isoSpeed(data);
        if (it != data.end()) iso = it->toLong(0);
    }
    if (iso && *iso > 0 && *iso < 10'000'000) e.iso = static_cast<int>(*iso);
    if (auto fl = t.rational("Exif.Photo.FocalLength"); fl && *fl > 0 && *fl < 100000) e.focalLength = fl;
    e.latitude = degrees(t, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef", 'S', 90);
    e.longitude = degrees(t, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef", 'W', 180);
    if (!e.latitude || !e.longitude) e.latitude = e.longitude = std::nullopt;
    if (auto o = t.integer("Exif.Image.Orientation"); o && *o >= 1 && *o <= 8) e.orientation = static_cast<int>(*o);
    for (auto [date, sub, offset] :
         {std::array{"Exif.Photo.DateTimeOriginal", "Exif.Photo.SubSecTimeOriginal", "Exif.Photo.OffsetTimeOriginal"},
          std::array{"Exif.Image.DateTimeOriginal", "Exif.Photo.SubSecTimeOriginal", "Exif.Photo.OffsetTimeOriginal"},
          std::array{"Exif.Photo.DateTimeDigitized", "Exif.Photo.SubSecTimeDigitized",
                     "Exif.Photo.OffsetTimeDigitized"}}) {
        auto text = t.text(date);
        if (!text) continue;
        bool hasOffset = false;
        auto rfc = exifDateToRfc3339(*text, t.text(sub).value_or(""), t.text(offset).value_or(""), &hasOffset);
        if (!rfc) continue;
        e.dateTimeOriginal = rfc;
        e.dateTimeOriginalHasOffset = hasOffset;
        break;
    }
    return e;
}

// The full-resolution image's size: RAW files keep a thumbnail in IFD0 and the sensor data in a sub-IFD.
std::pair<std::uint32_t, std::uint32_t> fullSize(const Exiv2::ExifData& data, const Exiv2::Image& image) {
    const Tags t(data);
    for (const auto& d : data) {
        if (d.tagName() != "NewSubfileType" || d.toLong(0) != 0) continue;
        const std::string group = "Exif." + d.groupName() + ".";
        auto w = t.integer(group + "ImageWidth"), h = t.integer(group + "ImageLength");
        if (w && h && *w > 0 && *h > 0) return {static_cast<std::uint32_t>(*w), static_cast<std::uint32_t>(*h)};
    }
    auto w = t.integer("Exif.Photo.PixelXDimension"), h = t.integer("Exif.Photo.PixelYDimension");
    if (w && h && *w > 0 && *h > 0) return {static_cast<std::uint32_t>(*w), static_cast<std::uint32_t>(*h)};
    return {static_cast<std::uint32_t>(std::max(0, image.pixelWidth())),
            static_cast<std::uint32_t>(std::max(0, image.pixelHeight()))};
}

}  // namespace

Expected<ImageMetadata> readRawOrTiffMetadata(const std::string& path) {
    initialiseExiv2();
    try {
        auto image = Exiv2::ImageFactory::open(path);
        if (!image.get()) return Error(ErrorCode::UnsupportedMediaType, "exiv2 cannot open the file as an image");
        ImageMetadata out;
        try {
            image->readMetadata();
            out.exif = readExif(image->exifData());
        } catch (const std::exception&) {
            // Unreadable metadata is not an error (image_metadata.hpp): the file is kept without exifInfo.
        }
        auto [w, h] = fullSize(image->exifData(), *image);
        if (w > kMaxSide || h > kMaxSide) w = h = 0;
        out.storedWidth = w;
        out.storedHeight = h;
        out.orientation = out.exif.orientation.value_or(1);
        out.axesSwapped = orientationSwapsAxes(out.orientation);
        out.width = out.axesSwapped ? h : w;
        out.height = out.axesSwapped ? w : h;
        return out;
    } catch (const std::exception& e) {
        return Error(ErrorCode::UnsupportedMediaType, std::string("unreadable RAW/TIFF headers: ") + e.what());
    } catch (...) {
        return Error(ErrorCode::UnsupportedMediaType, "unreadable RAW/TIFF headers");
    }
}

}  // namespace obscura::formats
