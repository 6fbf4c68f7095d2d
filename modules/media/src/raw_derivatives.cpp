#include "raw_derivatives.hpp"

#include <cstdlib>
#include <utility>

#include "derivative_geometry.hpp"
#include "raw_renderer.hpp"

namespace obscura::media {

StillSource::StillSource(StillSource&& other) noexcept
    : path(std::move(other.path)),
      kind(other.kind),
      orientation(other.orientation),
      workDir(std::exchange(other.workDir, std::string())) {}

StillSource::~StillSource() {
    if (workDir.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(workDir, ec);  // a leftover is swept from work/ at the next start
}

Expected<StillSource> stillSource(const RawRenderer* raw, const std::string& tmpDir, const std::string& original,
                                  ImageKind kind, bool full, std::function<bool()> cancelRequested) {
    StillSource out;
    if (kind != ImageKind::Raw) {
        out.path = original;
        out.kind = kind;
        return out;
    }
    if (!raw) return unavailable("obscura-raw (the camera RAW decoder) is not installed beside the server");
    std::string pattern = tmpDir + "/raw-XXXXXX";
    if (!::mkdtemp(pattern.data())) return internalError("cannot create a work directory in " + tmpDir);
    out.workDir = pattern;
    OBSCURA_TRY(rendition, raw->render(original, out.workDir, full, kPreviewBox, std::move(cancelRequested)));
    out.path = rendition.path;
    out.kind = rendition.kind;
    out.orientation = rendition.orientation;
    return out;
}

}  // namespace obscura::media
