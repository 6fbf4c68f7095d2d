#include "obscura/formats/exif_reader.hpp"

#include <libexif/exif-data.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "obscura/base/utf8.hpp"

namespace obscura::formats {
namespace {

constexpr std::size_t kMaxTextBytes = 128;

struct ExifDataDeleter {
    void operator()(ExifData* d) const { exif_data_unref(d); }
};
using ExifDataPtr = std::unique_ptr<ExifData, ExifDataDeleter>;

// Entries are looked up per IFD; a tag in the wrong IFD is ignored, as every reader of EXIF does.
class Reader {
public:
    explicit Reader(ExifData* d) : d_(d), order_(exif_data_get_byte_order(d)) {}

    ExifEntry* entry(ExifIfd ifd, ExifTag tag, ExifFormat format, unsigned long minComponents = 1) const {
        ExifEntry* e = exif_content_get_entry(d_->ifd[ifd], tag);
        if (!e || e->format != format || e->components < minComponents || !e->data) return nullptr;
        // libexif checks sizes while loading; checked again because everything here is hostile input.
        if (e->size < e->components * static_cast<unsigned long>(exif_format_get_size(format))) return nullptr;
        return e;
    }

    std::optional<std::string> text(ExifIfd ifd, ExifTag tag, std::size_t maxBytes = kMaxTextBytes) const {
        ExifEntry* e = entry(ifd, tag, EXIF_FORMAT_ASCII);
        if (!e) return std::nullopt;
        std::string_view raw(reinterpret_cast<const char*>(e->data), e->size);
        raw = raw.substr(0, raw.find('\0'));
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
        while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
        std::string clean = cleanUtf8Text(raw, maxBytes);
        if (clean.empty()) return std::nullopt;
        return clean;
    }

    // The i-th unsigned rational; nullopt when its denominator is zero (cameras write 0/0 for "unknown").
    std::optional<double> rational(ExifIfd ifd, ExifTag tag, unsigned long i = 0, ExifRational* raw = nullptr) const {
        ExifEntry* e = entry(ifd, tag, EXIF_FORMAT_RATIONAL, i + 1);
        if (!e) return std::nullopt;
        ExifRational r = exif_get_rational(e->data + 8 * i, order_);
        if (r.denominator == 0) return std::nullopt;
        if (raw) *raw = r;
        return static_cast<double>(r.numerator) / r.denominator;
    }

    std::optional<unsigned> shortValue(ExifIfd ifd, ExifTag tag) const {
        if (ExifEntry* e = entry(ifd, tag, EXIF_FORMAT_SHORT)) return exif_get_short(e->data, order_);
        if (ExifEntry* e = entry(ifd, tag, EXIF_FORMAT_LONG)) return exif_get_long(e->data, order_);
        return std::nullopt;
    }

private:
    ExifData* d_;
    ExifByteOrder order_;
};

std::string formatExposure(ExifRational r, double seconds) {
    char buf[32];
    if (seconds >= 1.0 || r.numerator == 0) {
        std::snprintf(buf, sizeof buf, "%g", seconds);
    } else if (r.denominator % r.numerator == 0) {
        std::snprintf(buf, sizeof buf, "1/%u", r.denominator / r.numerator);
    } else {
        std::snprintf(buf, sizeof buf, "1/%.0f", 1.0 / seconds);
    }
    return buf;
}

std::optional<double> gpsCoordinate(const Reader& r, ExifTag valueTag, ExifTag refTag, double limit) {
    auto deg = r.rational(EXIF_IFD_GPS, valueTag, 0);
    auto min = r.rational(EXIF_IFD_GPS, valueTag, 1);
    auto sec = r.rational(EXIF_IFD_GPS, valueTag, 2);
    auto ref = r.text(EXIF_IFD_GPS, refTag, 2);
    if (!deg || !min || !sec || !ref) return std::nullopt;
    double v = *deg + *min / 60.0 + *sec / 3600.0;
    if (!std::isfinite(v) || v > limit) return std::nullopt;
    char hemisphere = (*ref)[0];
    if (hemisphere == 'S' || hemisphere == 'W') return -v;
    if (hemisphere == 'N' || hemisphere == 'E') return v;
    return std::nullopt;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int* value) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return true;
}

}  // namespace

bool ExifInfo::empty() const {
    return !make && !model && !lens && !fNumber && !exposureTime && !iso && !focalLength && !latitude && !longitude &&
           !orientation && !dateTimeOriginal;
}

std::optional<std::string> exifDateToRfc3339(std::string_view dt, std::string_view subSeconds, std::string_view offset,
                                             bool* hasOffset) {
    int y, mo, d, h, mi, s;
    if (dt.size() < 19 || !digits(dt, 0, 4, &y) || !digits(dt, 5, 2, &mo) || !digits(dt, 8, 2, &d) ||
        !digits(dt, 11, 2, &h) || !digits(dt, 14, 2, &mi) || !digits(dt, 17, 2, &s)) {
        return std::nullopt;
    }
    // Separators as EXIF writes them, and '-' / 'T' as some software writes them.
    if ((dt[4] != ':' && dt[4] != '-') || dt[4] != dt[7] || (dt[10] != ' ' && dt[10] != 'T') || dt[13] != ':' ||
        dt[16] != ':') {
        return std::nullopt;
    }
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap) || h > 23 ||
        mi > 59 || s > 60) {
        return std::nullopt;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, s);
    std::string out = buf;
    std::size_t fraction = 0;
    while (fraction < subSeconds.size() && fraction < 6 && subSeconds[fraction] >= '0' && subSeconds[fraction] <= '9')
        ++fraction;
    if (fraction > 0 && (fraction == subSeconds.size() || subSeconds[fraction] == ' ' || fraction == 6)) {
        out += '.';
        out.append(subSeconds.substr(0, fraction));
    }
    int oh, om;
    *hasOffset = false;
    if (offset.size() >= 6 && (offset[0] == '+' || offset[0] == '-') && digits(offset, 1, 2, &oh) && offset[3] == ':' &&
        digits(offset, 4, 2, &om) && oh <= 14 && om <= 59) {
        out.append(offset.substr(0, 6));
        *hasOffset = true;
    }
    return out;
}

ExifInfo parseExif(std::string_view block) {
    ExifInfo info;
    if (block.size() < 14 || block.size() > 0xFFFFFFFFu) return info;
    ExifDataPtr data(exif_data_new());
    if (!data) return info;
    // Load as stored: no "fixing" of the data to the specification, and unknown tags (OffsetTimeOriginal in
    // older builds) kept.
    exif_data_unset_option(data.get(), EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
    exif_data_unset_option(data.get(), EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    // libexif keeps no pointer into the buffer, but copy anyway so the const input is never handed to C code.
    std::vector<unsigned char> copy(block.begin(), block.end());
    exif_data_load_data(data.get(), copy.data(), static_cast<unsigned int>(copy.size()));
    Reader r(data.get());

    info.make = r.text(EXIF_IFD_0, EXIF_TAG_MAKE);
    info.model = r.text(EXIF_IFD_0, EXIF_TAG_MODEL);
    info.lens = r.text(EXIF_IFD_EXIF, EXIF_TAG_LENS_MODEL);
    if (auto f = r.rational(EXIF_IFD_EXIF, EXIF_TAG_FNUMBER); f && *f > 0 && *f < 1000) info.fNumber = *f;
    ExifRational raw{};
    if (auto t = r.rational(EXIF_IFD_EXIF, EXIF_TAG_EXPOSURE_TIME, 0, &raw); t && *t > 0 && *t < 1e6) {
        info.exposureTime = *t;
        info.exposureTimeText = formatExposure(raw, *t);
    }
    auto iso = r.shortValue(EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED_RATINGS);
    if (iso && *iso == 65535) {
        // 65535 means "too large for a SHORT": EXIF 2.3's RecommendedExposureIndex/ISOSpeed hold it.
        if (auto big = r.shortValue(EXIF_IFD_EXIF, EXIF_TAG_RECOMMENDED_EXPOSURE_INDEX))
            iso = big;
        else if (auto speed = r.shortValue(EXIF_IFD_EXIF, EXIF_TAG_ISO_SPEED))
            iso = speed;
    }
    if (iso && *iso > 0 && *iso < 10'000'000) info.iso = static_cast<int>(*iso);
    if (auto fl = r.rational(EXIF_IFD_EXIF, EXIF_TAG_FOCAL_LENGTH); fl && *fl > 0 && *fl < 100'000)
        info.focalLength = *fl;

    auto lat = gpsCoordinate(r, ExifTag(EXIF_TAG_GPS_LATITUDE), ExifTag(EXIF_TAG_GPS_LATITUDE_REF), 90.0);
    auto lon = gpsCoordinate(r, ExifTag(EXIF_TAG_GPS_LONGITUDE), ExifTag(EXIF_TAG_GPS_LONGITUDE_REF), 180.0);
    // Both or neither: half a position is no position. 0/0 is what some cameras write without a fix.
    if (lat && lon && !(*lat == 0.0 && *lon == 0.0)) {
        info.latitude = lat;
        info.longitude = lon;
    }
    if (auto o = r.shortValue(EXIF_IFD_0, EXIF_TAG_ORIENTATION); o && *o >= 1 && *o <= 8)
        info.orientation = static_cast<int>(*o);

    struct DateTags {
        ExifTag date, subSec, offset;
    };
    for (DateTags t :
         {DateTags{EXIF_TAG_DATE_TIME_ORIGINAL, EXIF_TAG_SUB_SEC_TIME_ORIGINAL, EXIF_TAG_OFFSET_TIME_ORIGINAL},
          DateTags{EXIF_TAG_DATE_TIME_DIGITIZED, EXIF_TAG_SUB_SEC_TIME_DIGITIZED, EXIF_TAG_OFFSET_TIME_DIGITIZED}}) {
        auto date = r.text(EXIF_IFD_EXIF, t.date);
        if (!date) continue;
        bool hasOffset = false;
        auto when = exifDateToRfc3339(*date, r.text(EXIF_IFD_EXIF, t.subSec).value_or(""),
                                      r.text(EXIF_IFD_EXIF, t.offset).value_or(""), &hasOffset);
        if (!when) continue;
        info.dateTimeOriginal = std::move(when);
        info.dateTimeOriginalHasOffset = hasOffset;
        break;
    }
    return info;
}

}  // namespace obscura::formats
