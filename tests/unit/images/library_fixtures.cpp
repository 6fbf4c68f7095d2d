#include "library_fixtures.hpp"

#include <cstdio>
#include <stdexcept>
#include <vector>

namespace obscura::images::test {
namespace {

void tool(const std::vector<std::string>& argv, const std::string& workDir) {
    auto r = obscura::test::run(argv, {}, workDir, std::chrono::seconds(120));
    if (r.exitCode != 0) throw std::runtime_error("fixture tool failed: " + argv[0] + ": " + r.err + r.out);
}

}  // namespace

const LibraryFixtures& LibraryFixtures::get() {
    static const LibraryFixtures fixtures;
    return fixtures;
}

std::string LibraryFixtures::bytes(const std::string& name) const { return obscura::test::readFile(path(name)); }

LibraryFixtures::LibraryFixtures() {
    const std::string& d = dir_.path();
    const std::string makeDng = obscura::test::sourceDir() + "/tests/support/make_dng.py";
    // The embedded preview: larger than the 1440 px preview box, so the server uses it as it is.
    tool({"vips", "xyz", "xy.v", "1600", "1200"}, d);
    tool({"vips", "extract_band", "xy.v", "x.v", "0"}, d);
    tool({"vips", "bandjoin", "x.v x.v x.v", "grad.v"}, d);
    tool({"vips", "linear", "grad.v", "grad2.v", "0.1", "20"}, d);
    tool({"vips", "cast", "grad2.v", "grad8.v", "uchar"}, d);
    tool({"vips", "copy", "grad8.v", "embedded.jpg", "--interpretation", "srgb"}, d);
    tool({"/usr/bin/python3", makeDng, "preview.dng", "256", "192", "embedded.jpg"}, d);
    tool({"/usr/bin/python3", makeDng, "plain.dng", "256", "192"}, d);
    tool({"exiftool", "-q", "-q", "-overwrite_original", "-EXIF:Make=Canon", "-EXIF:Model=EOS R5",
          "-EXIF:LensModel=RF24-70mm F2.8 L IS USM", "-EXIF:FNumber=2.8", "-EXIF:ExposureTime=1/250", "-EXIF:ISO=400",
          "-EXIF:FocalLength=50", "-EXIF:GPSLatitude=52.52", "-EXIF:GPSLatitudeRef=S", "-EXIF:GPSLongitude=13.405",
          "-EXIF:GPSLongitudeRef=W", "-EXIF:DateTimeOriginal=2021:07:04 10:20:30", "-EXIF:OffsetTimeOriginal=+02:00",
          "preview.dng"},
         d);
    for (const char* scratch : {"xy.v", "x.v", "grad.v", "grad2.v", "grad8.v"}) std::remove(path(scratch).c_str());
    obscura::test::writeFile(path("truncated.dng"), bytes("plain.dng").substr(0, 20000));
    tool({"vips", "gaussnoise", "noise.v", "64", "48"}, d);
    tool({"vips", "bandjoin", "noise.v noise.v noise.v", "rgb.v"}, d);
    tool({"vips", "cast", "rgb.v", "rgb8.v", "uchar"}, d);
    tool({"vips", "copy", "rgb8.v", "plain.tif", "--interpretation", "srgb"}, d);
    tool({"exiftool", "-q", "-q", "-o", "sidecar.xmp", std::string("-XMP-dc:Title=") + LibrarySidecar::kTitle,
          std::string("-XMP-dc:Description=") + LibrarySidecar::kDescription, "-XMP-dc:Subject=harbour",
          "-XMP-dc:Subject=boats", "-XMP-xmp:Rating=4", "-XMP-exif:DateTimeOriginal=2019:05:06 07:08:09+01:00",
          "-XMP-exif:GPSLatitude=48.8584 N", "-XMP-exif:GPSLongitude=2.2945 W"},
         d);
    const std::string sidecar = bytes("sidecar.xmp");
    obscura::test::writeFile(path("malformed.xmp"), sidecar.substr(0, sidecar.size() / 2));
}

std::string billionLaughsXmp() {
    std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE x:xmpmeta [\n<!ENTITY lol \"lol\">\n";
    xml += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n";
    for (int i = 2; i <= 9; ++i) {
        const std::string prev = "&lol" + std::to_string(i - 1) + ";";
        xml += "<!ENTITY lol" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k) xml += prev;
        xml += "\">\n";
    }
    xml +=
        "]>\n<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
        "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:title><rdf:Alt>"
        "<rdf:li xml:lang='x-default'>&lol9;</rdf:li></rdf:Alt></dc:title></rdf:Description></rdf:RDF>"
        "</x:xmpmeta>\n";
    return xml;
}

std::string externalEntityXmp() {
    return "<?xml version=\"1.0\"?>\n<!DOCTYPE x:xmpmeta [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n"
           "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
           "<rdf:Description xmlns:dc='http://purl.org/dc/elements/1.1/'><dc:description><rdf:Alt>"
           "<rdf:li xml:lang='x-default'>&secret;</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF>"
           "</x:xmpmeta>\n";
}

}  // namespace obscura::images::test
