#pragma once
// Camera RAW originals become something libvips can read by running libraw in its own process (obscura-raw, built
// beside bin/obscura) under the same containment as ffmpeg (subprocess.hpp: no shell, limits, a wall-clock timeout,
// its own process group). A file libraw crashes or hangs on fails its job with a reason; the server goes on.
//
// For previews the embedded JPEG is used when it is at least the preview's size (DESIGN.md section 12): cameras
// write a full-quality rendering there, and it costs no demosaicing. Otherwise libraw decodes at half size.
#include <chrono>
#include <functional>
#include <string>

#include "obscura/base/expected.hpp"
#include "vips_engine.hpp"

namespace obscura::media {

struct RawRendition {
    std::string path;     // a file in the work directory the caller gave
    ImageKind kind;       // Jpeg (the embedded preview) or Tiff (libraw's decode)
    int orientation = 1;  // to apply: the RAW's own orientation for an embedded JPEG, 1 for a decode (upright)
};

class RawRenderer {
public:
    // helper: the obscura-raw executable (findRawHelper()).
    explicit RawRenderer(std::string helper, std::chrono::seconds timeout = std::chrono::seconds(120));

    // The obscura-raw beside the running executable, else on PATH. Unavailable when there is none.
    static Expected<std::string> findRawHelper();

    // workDir must exist and be private to this call (its files are the outputs). full: a full-size decode for the
    // viewer's zoom and conversions, else the preview source (embedded JPEG ≥ minSide, else a half-size decode).
    // Errors: Invalid with libraw's reason when it cannot read the file (a job's final failure: retrying will not
    // help), Unavailable when the helper could not run.
    Expected<RawRendition> render(const std::string& original, const std::string& workDir, bool full, int minSide,
                                  std::function<bool()> cancelRequested = {}) const;

private:
    std::string helper_;
    std::chrono::seconds timeout_;
};

}  // namespace obscura::media
