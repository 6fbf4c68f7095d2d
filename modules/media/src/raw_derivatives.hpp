#pragma once
// What libvips is handed for a photo: the original itself, or — for a camera RAW — what obscura-raw made of it
// (raw_renderer.hpp), in a private directory under the work dir that goes away with the StillSource.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "vips_engine.hpp"

namespace obscura::media {

class RawRenderer;

struct StillSource {
    StillSource() = default;
    StillSource(StillSource&&) noexcept;
    StillSource& operator=(StillSource&&) = delete;
    StillSource(const StillSource&) = delete;
    ~StillSource();

    std::string path;
    ImageKind kind = ImageKind::Jpeg;
    int orientation = 0;  // 0: the file's own; else the one to apply (VipsEngine's orientation parameter)
    std::string workDir;  // removed with this object; empty when the original is used as it is
};

// For kind Raw: renders with `raw` (full: a full-size decode, else the preview source); Unavailable when raw is
// null (obscura-raw missing). Any other kind: the original, as it is.
Expected<StillSource> stillSource(const RawRenderer* raw, const std::string& tmpDir, const std::string& original,
                                  ImageKind kind, bool full, std::function<bool()> cancelRequested = {});

}  // namespace obscura::media
