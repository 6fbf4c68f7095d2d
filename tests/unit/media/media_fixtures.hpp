#pragma once
// Fixtures for media tests, made at test time by the real tools (vips and vipsheader from libvips-tools, ffmpeg
// and ffprobe, exiftool from libimage-exiftool-perl), and read back by them: a test never checks our output with
// our own code.
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace obscura::media::test {

// Runs a tool (argument vector, no shell); throws std::runtime_error with its stderr when it fails.
std::string tool(const std::vector<std::string>& argv, int timeoutSeconds = 120);

struct Rgb {
    int r = 0, g = 0, b = 0;
};
// Writes a binary PPM of width × height whose pixel (x, y) is colour(x, y) — the upright "scene" fixtures start from.
void writePpm(const std::string& path, int width, int height, const std::function<Rgb(int, int)>& colour);
// A grey card with a red square in the top-left corner and a green one in the top-right, each `marker` px wide.
void writeMarkedCard(const std::string& path, int width, int height, int marker);

// What a camera stores for EXIF orientation `o` (1-8) of the upright picture `upright`: the pixels turned or
// flipped accordingly, saved as `<dir>/<name>.jpg` (Q92) and tagged with that orientation, a Make, GPS and XMP.
std::string cameraJpeg(const std::string& upright, int o, const std::string& dir, const std::string& name);

// `vipsheader -a`, as field → value ("width", "height", "bands", "format", "interpretation", "vips-loader", …).
std::map<std::string, std::string> header(const std::string& image);
int intField(const std::string& image, const std::string& field);
// The pixel at (x, y) as `vips getpoint` reads it (one value per band).
std::vector<double> pixel(const std::string& image, int x, int y);
bool isRed(const std::vector<double>& p);
bool isGreen(const std::vector<double>& p);
bool isBlue(const std::vector<double>& p);
bool isGrey(const std::vector<double>& p);

// The metadata groups exiftool finds ("EXIF", "GPS", "XMP-dc", "ICC_Profile", "File", …).
std::vector<std::string> metadataGroups(const std::string& file);

// A MATLAB v5 MAT file (a 2×2 double matrix) whose first bytes are `prefix` — the header text is free-form, so
// it can start with a PNG signature and pass a PNG sniff while being a MAT file to libvips' matload.
void writeMatFile(const std::string& path, const std::string& prefix);

}  // namespace obscura::media::test
