#include "media_fixtures.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <stdexcept>

#include "obscura/kernel/subprocess.hpp"

namespace obscura::media::test {

std::string tool(const std::vector<std::string>& argv, int timeoutSeconds) {
    SubprocessOptions options;
    options.timeout = std::chrono::seconds(timeoutSeconds);
    options.maxStdoutBytes = 16u << 20;
    options.environment = {"LC_ALL=C"};
    auto r = runSubprocess(argv, options);
    std::string command;
    for (const auto& a : argv) command += a + " ";
    if (!r.ok())
        throw std::runtime_error(command + ": " + r.error().message +
                                 " (install libvips-tools, ffmpeg, "
                                 "libimage-exiftool-perl)");
    if (!r->succeeded()) throw std::runtime_error(command + r->describe() + ": " + r->errTail);
    return r->out;
}

void writePpm(const std::string& path, int width, int height, const std::function<Rgb(int, int)>& colour) {
    std::ofstream out(path, std::ios::binary);
    out << "P6\n" << width << " " << height << "\n255\n";
    std::string row(static_cast<std::size_t>(width) * 3, '\0');
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            Rgb c = colour(x, y);
            row[x * 3] = static_cast<char>(c.r);
            row[x * 3 + 1] = static_cast<char>(c.g);
            row[x * 3 + 2] = static_cast<char>(c.b);
        }
        out.write(row.data(), static_cast<std::streamsize>(row.size()));
    }
    if (!out) throw std::runtime_error("cannot write " + path);
}

void writeMarkedCard(const std::string& path, int width, int height, int marker) {
    writePpm(path, width, height, [=](int x, int y) -> Rgb {
        if (y < marker && x < marker) return {255, 0, 0};
        if (y < marker && x >= width - marker) return {0, 255, 0};
        return {128, 128, 128};
    });
}

std::map<std::string, std::string> header(const std::string& image) {
    std::map<std::string, std::string> fields;
    std::istringstream in(tool({"vipsheader", "-a", image}));
    for (std::string line; std::getline(in, line);) {
        auto colon = line.find(": ");
        if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 2);
    }
    return fields;
}

int intField(const std::string& image, const std::string& field) {
    auto fields = header(image);
    auto it = fields.find(field);
    if (it == fields.end()) throw std::runtime_error(image + " has no field " + field);
    return std::stoi(it->second);
}

std::vector<double> pixel(const std::string& image, int x, int y) {
    std::istringstream in(tool({"vips", "getpoint", image, std::to_string(x), std::to_string(y)}));
    std::vector<double> values;
    for (double v; in >> v;) values.push_back(v);
    return values;
}

// JPEG and WebP are lossy: a colour is "red" when red dominates clearly, not when it is exactly 255, 0, 0.
bool isRed(const std::vector<double>& p) { return p.size() >= 3 && p[0] > 180 && p[1] < 90 && p[2] < 90; }
bool isGreen(const std::vector<double>& p) { return p.size() >= 3 && p[1] > 180 && p[0] < 90 && p[2] < 90; }
bool isBlue(const std::vector<double>& p) { return p.size() >= 3 && p[2] > 180 && p[0] < 90 && p[1] < 90; }
bool isGrey(const std::vector<double>& p) {
    return p.size() >= 3 && p[0] > 90 && p[0] < 170 && std::abs(p[0] - p[1]) < 20 && std::abs(p[1] - p[2]) < 20;
}

std::vector<std::string> metadataGroups(const std::string& file) {
    std::istringstream in(tool({"exiftool", "-a", "-G1", "-s", "-n", file}));
    std::set<std::string> groups;
    for (std::string line; std::getline(in, line);) {
        if (line.size() > 2 && line[0] == '[') groups.insert(line.substr(1, line.find(']') - 1));
    }
    return {groups.begin(), groups.end()};
}

void writeMatFile(const std::string& path, const std::string& prefix) {
    std::string headerText = prefix + "MATLAB 5.0 MAT-file, Platform: GLNXA64, Created by: obscura tests";
    headerText.resize(116, ' ');
    std::string file = headerText;
    file.append(8, '\0');                // subsystem data offset
    file += std::string("\x00\x01", 2);  // version 0x0100, little-endian
    file += "IM";                        // endian indicator as written by a little-endian machine
    auto u32 = [&file](std::initializer_list<std::uint32_t> values) {
        for (std::uint32_t v : values) file.append(reinterpret_cast<const char*>(&v), 4);
    };
    u32({14, 88});                              // miMATRIX, its size: flags 16 + dimensions 16 + name 16 + real part 40
    u32({6, 8, 6, 0});                          // array flags (miUINT32): class mxDOUBLE_CLASS
    u32({5, 8, 2, 2});                          // dimensions (miINT32): 2 × 2
    u32({1, 1});                                // name (miINT8), one character…
    file += std::string("a\0\0\0\0\0\0\0", 8);  // …padded to 8
    u32({9, 32});                               // real part (miDOUBLE): four doubles
    for (double v : {1.0, 2.0, 3.0, 4.0}) file.append(reinterpret_cast<const char*>(&v), 8);
    std::ofstream(path, std::ios::binary) << file;
}

namespace {

// The stored pixels a camera writes for EXIF orientation `o` of an upright scene (vips rot angles are clockwise).
std::vector<std::vector<std::string>> cameraTransform(int o) {
    switch (o) {
        case 2:
            return {{"flip", "horizontal"}};
        case 3:
            return {{"rot", "d180"}};
        case 4:
            return {{"flip", "vertical"}};
        case 5:
            return {{"rot", "d90"}, {"flip", "horizontal"}};  // transpose
        case 6:
            return {{"rot", "d270"}};  // the viewer turns it 90° clockwise
        case 7:
            return {{"rot", "d270"}, {"flip", "horizontal"}};  // transverse
        case 8:
            return {{"rot", "d90"}};
        default:
            return {};
    }
}

}  // namespace

// An upright PPM turned into what a camera stores for orientation `o`, as JPEG, tagged (with GPS and XMP too).
std::string cameraJpeg(const std::string& upright, int o, const std::string& dir, const std::string& name) {
    std::string current = upright;
    int step = 0;
    for (const auto& op : cameraTransform(o)) {
        std::string next = dir + "/" + name + "." + std::to_string(step++) + ".v";
        tool({"vips", op[0], current, next, op[1]});
        current = next;
    }
    std::string jpeg = dir + "/" + name + ".jpg";
    tool({"vips", "jpegsave", current, jpeg, "--Q", "92"});
    tool({"exiftool", "-q", "-overwrite_original", "-n", "-Orientation=" + std::to_string(o), "-Make=ObscuraCam",
          "-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E",
          "-XMP-dc:Title=private", jpeg});
    return jpeg;
}

}  // namespace obscura::media::test
