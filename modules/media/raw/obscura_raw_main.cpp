// obscura-raw: the one program that runs libraw, as a contained child of the server (raw_renderer.hpp), so that a
// camera file libraw mishandles crashes this process and fails one job, never the server. It trusts nothing it
// reads and writes only into the directory it is given.
//
//   obscura-raw preview ORIGINAL OUTDIR MIN_SIDE   the embedded JPEG when its longer side is at least MIN_SIDE
//                                                  (or at least the sensor's), else a half-size decode
//   obscura-raw full ORIGINAL OUTDIR               a full-size decode
//
// Prints one line on success: "embedded <exif-orientation>" (OUTDIR/embedded.jpg, not rotated) or "decoded"
// (OUTDIR/decoded.tiff, 8-bit sRGB, already upright). Exit 2 with the reason on stderr when libraw cannot read the
// file, 1 on bad arguments.
#include <libraw/libraw.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

int fail(const char* what, int code) {
    std::fprintf(stderr, "%s: %s\n", what, libraw_strerror(code));
    return 2;
}

// libraw's flip (dcraw's): 3 = 180°, 5 = 90° counter-clockwise, 6 = 90° clockwise. As an EXIF orientation.
int exifOrientation(int flip) {
    switch (flip) {
        case 3:
            return 3;
        case 5:
            return 8;
        case 6:
            return 6;
        default:
            return 1;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: obscura-raw preview|full ORIGINAL OUTDIR [MIN_SIDE]\n");
        return 1;
    }
    const std::string mode = argv[1];
    const std::string outDir = argv[3];
    const bool full = mode == "full";
    if (!full && (mode != "preview" || argc < 5)) {
        std::fprintf(stderr, "obscura-raw: unknown mode or missing MIN_SIDE\n");
        return 1;
    }
    const long minSide = full ? 0 : std::strtol(argv[4], nullptr, 10);

    libraw_data_t* raw = libraw_init(0);
    if (!raw) {
        std::fprintf(stderr, "libraw_init failed\n");
        return 2;
    }
    int rc = libraw_open_file(raw, argv[2]);
    if (rc != LIBRAW_SUCCESS) return fail("libraw cannot open the file", rc);

    if (!full && libraw_unpack_thumb(raw) == LIBRAW_SUCCESS && raw->thumbnail.tformat == LIBRAW_THUMBNAIL_JPEG &&
        raw->thumbnail.tlength > 0) {
        const long side = std::max<long>(raw->thumbnail.twidth, raw->thumbnail.theight);
        const long sensor = std::max<long>(raw->sizes.iwidth, raw->sizes.iheight);
        if (side >= minSide || (sensor > 0 && side >= sensor)) {
            const std::string path = outDir + "/embedded.jpg";
            FILE* f = std::fopen(path.c_str(), "wb");
            if (!f || std::fwrite(raw->thumbnail.thumb, 1, raw->thumbnail.tlength, f) != raw->thumbnail.tlength ||
                std::fclose(f) != 0) {
                std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), std::strerror(errno));
                return 2;
            }
            std::printf("embedded %d\n", exifOrientation(raw->sizes.flip));
            libraw_close(raw);
            return 0;
        }
    }

    raw->params.half_size = full ? 0 : 1;
    raw->params.use_camera_wb = 1;
    raw->params.output_bps = 8;
    raw->params.output_color = 1;  // sRGB
    raw->params.output_tiff = 1;
    rc = libraw_unpack(raw);
    if (rc != LIBRAW_SUCCESS) return fail("libraw cannot unpack the sensor data", rc);
    rc = libraw_dcraw_process(raw);
    if (rc != LIBRAW_SUCCESS) return fail("libraw cannot process the sensor data", rc);
    const std::string path = outDir + "/decoded.tiff";
    rc = libraw_dcraw_ppm_tiff_writer(raw, path.c_str());
    if (rc != LIBRAW_SUCCESS) return fail("libraw cannot write the decoded image", rc);
    std::printf("decoded\n");
    libraw_close(raw);
    return 0;
}
