// libFuzzer target for everything that reads an uploaded file's bytes in-process before a job ever runs:
// the content sniffer, the container header readers (JPEG, PNG, GIF, WebP, HEIF) and libexif through
// parseExif. The first input byte picks the path: odd — the rest is an EXIF block for parseExif alone;
// even — the rest is a file: sniffed, and when accepted as an image, read through a memfd like a real upload.
// Invariants: no crash or sanitizer report; accepted files have a non-zero size; EXIF values in range.
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "obscura/formats/content_sniffer.hpp"
#include "obscura/formats/exif_reader.hpp"
#include "obscura/formats/image_header.hpp"
#include "obscura/formats/image_metadata.hpp"

using namespace obscura;
using namespace obscura::formats;

namespace {

[[noreturn]] void invariantFailed(const char* what) {
    std::fprintf(stderr, "media_header_fuzz invariant violated: %s\n", what);
    std::abort();
}
#define FUZZ_ASSERT(cond)                    \
    do {                                     \
        if (!(cond)) invariantFailed(#cond); \
    } while (0)

void checkExif(const ExifInfo& e) {
    if (e.orientation) FUZZ_ASSERT(*e.orientation >= 1 && *e.orientation <= 8);
    if (e.latitude) FUZZ_ASSERT(std::fabs(*e.latitude) <= 90 && e.longitude && std::fabs(*e.longitude) <= 180);
    if (e.exposureTime) FUZZ_ASSERT(*e.exposureTime > 0 && e.exposureTimeText);
    if (e.dateTimeOriginal) FUZZ_ASSERT(e.dateTimeOriginal->size() >= 19 && (*e.dateTimeOriginal)[10] == 'T');
    for (const auto* s : {&e.make, &e.model, &e.lens}) {
        if (*s) FUZZ_ASSERT(!(*s)->empty() && (*s)->size() <= 128);
    }
}

// One memfd for the whole run, rewritten per input: header readers take a path, as they do for uploads.
const std::string& scratchFile(std::string_view bytes) {
    static int fd = ::memfd_create("media_header_fuzz", 0);
    static const std::string path = "/proc/self/fd/" + std::to_string(fd);
    FUZZ_ASSERT(fd >= 0);
    FUZZ_ASSERT(::ftruncate(fd, 0) == 0);
    FUZZ_ASSERT(::pwrite(fd, bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
    return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);  // libFuzzer's entry
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) {
        checkExif(parseExif(std::string("Exif\0\0", 6) + std::string(rest)));
        return 0;
    }
    auto type = sniffMediaType(rest.substr(0, kSniffBytes));
    if (!type) {
        FUZZ_ASSERT(type.error().code == ErrorCode::UnsupportedMediaType || type.error().code == ErrorCode::BadRequest);
        return 0;
    }
    if ((*type)->type != AssetType::Image) return 0;
    auto meta = readImageMetadata(scratchFile(rest), **type);
    if (!meta) {
        FUZZ_ASSERT(meta.error().code == ErrorCode::UnsupportedMediaType);
        return 0;
    }
    FUZZ_ASSERT(meta->width > 0 && meta->height > 0);
    FUZZ_ASSERT(meta->orientation >= 1 && meta->orientation <= 8);
    FUZZ_ASSERT(meta->axesSwapped ? meta->width == meta->storedHeight : meta->width == meta->storedWidth);
    checkExif(meta->exif);
    return 0;
}
