#pragma once
// Camera RAW, TIFF and XMP sidecar fixtures (DESIGN.md section 12), made once per test binary by real tools:
//   preview.dng    a DNG written by tifffile (tests/support/make_dng.py): 256×192 Bayer data in a sub-IFD and a
//                  1600×1200 JPEG preview (made by vips) in IFD0; EXIF written by exiftool (WrittenExif below)
//   plain.dng      the same without a preview: only a half-size decode can show it
//   truncated.dng  plain.dng cut after its first 20000 bytes: sniffs as DNG, libraw cannot decode it
//   plain.tif      64×48 sRGB TIFF from vips
//   sidecar.xmp    an XMP sidecar written by exiftool (kSidecar* below)
//   malformed.xmp  the first half of sidecar.xmp: XML cut mid-element
#include <string>

#include "test_support.hpp"

namespace obscura::images::test {

struct LibrarySidecar {
    static constexpr const char* kTitle = "Harbour at dusk";
    static constexpr const char* kDescription = "From the pier";
    static constexpr int kRating = 4;
    static constexpr const char* kTakenAt = "2019-05-06T07:08:09+01:00";
    static constexpr double kLatitude = 48.8584;   // written as 48.8584 N
    static constexpr double kLongitude = -2.2945;  // written as 2.2945 W
};

class LibraryFixtures {
public:
    static const LibraryFixtures& get();
    std::string path(const std::string& name) const { return dir_.path() + "/" + name; }
    std::string bytes(const std::string& name) const;

private:
    LibraryFixtures();
    obscura::test::TempDir dir_;
};

// A document that defines an entity expanding to 10^9 "lol"s: the billion-laughs attack, hand-made because that is
// what an attacker sends.
std::string billionLaughsXmp();
// A sidecar that pulls /etc/passwd in through an external entity.
std::string externalEntityXmp();

}  // namespace obscura::images::test
