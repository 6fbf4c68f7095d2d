#pragma once
// On-demand conversions (DESIGN.md section 3): POST /api/assets/{id}/conversions {format}. One durable job per
// (asset, format) — asking twice answers the same job — on a bounded queue (503 + Retry-After when full).
// The result is the blob derived/<owner>/<asset>/conversion.<ext>, served by GET /api/assets/{id}/conversions/{format}.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "derivative_job.hpp"

namespace obscura::media {

inline constexpr const char* kConversionJob = "media.conversion";

struct ConversionFormat {
    std::string_view name;       // "mp3"
    std::string_view extension;  // ".mp3"
    std::string_view mimeType;   // "audio/mpeg"
    bool forImages;
    bool forVideos;
};

// nullptr for a format we do not make.
const ConversionFormat* conversionFormat(std::string_view name);
// "conversion.mp3"
std::string conversionFileName(const ConversionFormat& format);

// Called after a conversion succeeded (the e-mail notice); may be empty.
using ConversionDone = std::function<void(const storage::JobRecord& job, const ConversionFormat& format)>;

Expected<std::string> runConversionJob(MediaTools& tools, JobContext& job, const ConversionDone& done);

}  // namespace obscura::media
