// ffprobe's JSON → VideoProbe. The only file of the probe that includes the full nlohmann header.
#include <cmath>
#include <nlohmann/json.hpp>

#include "obscura/base/utf8.hpp"
#include "obscura/formats/live_photo_id.hpp"
#include "obscura/formats/video_probe.hpp"

namespace obscura::formats {
namespace {

using nlohmann::json;

std::optional<std::string> stringAt(const json& obj, const char* key) {
    if (!obj.is_object()) return std::nullopt;
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

std::optional<double> numberAt(const json& obj, const char* key) {
    if (!obj.is_object()) return std::nullopt;
    auto it = obj.find(key);
    if (it == obj.end()) return std::nullopt;
    double v;
    if (it->is_number()) {
        v = it->get<double>();
    } else if (it->is_string()) {
        // ffprobe writes most numbers as strings ("duration": "1.000000"); "N/A" when unknown.
        const std::string& s = it->get_ref<const std::string&>();
        char* end = nullptr;
        v = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
    } else {
        return std::nullopt;
    }
    if (!std::isfinite(v)) return std::nullopt;
    return v;
}

const json& tagsOf(const json& obj) {
    static const json kEmpty = json::object();
    if (!obj.is_object()) return kEmpty;
    auto it = obj.find("tags");
    return it != obj.end() && it->is_object() ? *it : kEmpty;
}

// Clockwise degrees to display the stream upright, a multiple of 90. ffprobe's side-data "rotation" is the
// display matrix's counterclockwise angle (checked with ffmpeg 5.1 by decoding with autorotate); the legacy
// "rotate" tag of older ffmpeg versions is clockwise.
int clockwiseRotation(const json& stream) {
    std::optional<double> ccw;
    if (auto sd = stream.find("side_data_list"); sd != stream.end() && sd->is_array()) {
        for (const auto& entry : *sd) {
            if (auto r = numberAt(entry, "rotation")) {
                ccw = *r;
                break;
            }
        }
    }
    double cw = 0;
    if (ccw) {
        cw = -*ccw;
    } else if (auto tag = numberAt(tagsOf(stream), "rotate")) {
        cw = *tag;
    }
    long quarter = std::lround(cw / 90.0);
    return static_cast<int>(((quarter % 4) + 4) % 4) * 90;
}

std::optional<std::string> cleanTag(const json& tags, const char* key) {
    auto v = stringAt(tags, key);
    if (!v) return std::nullopt;
    std::string clean = cleanUtf8Text(*v, 128);
    if (clean.empty()) return std::nullopt;
    return clean;
}

}  // namespace

Expected<VideoProbe> parseFfprobeJson(std::string_view text) {
    json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return internalError("ffprobe printed something that is not JSON");
    const json& format = doc.contains("format") ? doc["format"] : json::object();
    const json& streams = doc.contains("streams") ? doc["streams"] : json::array();
    if (!streams.is_array()) return internalError("ffprobe JSON without a streams array");

    VideoProbe out;
    out.formatName = stringAt(format, "format_name").value_or("");
    const json* video = nullptr;
    for (const auto& s : streams) {
        auto type = stringAt(s, "codec_type");
        if (!type) continue;
        // A cover picture in an MP4 is a "video" stream too; the moving picture is what we describe.
        bool attachedPic = s.contains("disposition") && s["disposition"].is_object() &&
                           numberAt(s["disposition"], "attached_pic").value_or(0) != 0;
        if (*type == "video" && !attachedPic && !video) video = &s;
        if (*type == "audio" && out.audioCodec.empty())
            out.audioCodec = cleanUtf8Text(stringAt(s, "codec_name").value_or(""), 32);
    }
    if (!video) return Error{ErrorCode::UnsupportedMediaType, "not a readable video: it has no video stream"};
    out.videoCodec = cleanUtf8Text(stringAt(*video, "codec_name").value_or(""), 32);
    auto w = numberAt(*video, "width"), h = numberAt(*video, "height");
    if (!w || !h || *w < 1 || *h < 1 || *w > 65535 || *h > 65535) {
        return Error{ErrorCode::UnsupportedMediaType, "not a readable video: its video stream has no valid size"};
    }
    out.storedWidth = static_cast<std::uint32_t>(*w);
    out.storedHeight = static_cast<std::uint32_t>(*h);
    out.rotation = clockwiseRotation(*video);
    bool swap = out.rotation == 90 || out.rotation == 270;
    out.width = swap ? out.storedHeight : out.storedWidth;
    out.height = swap ? out.storedWidth : out.storedHeight;

    auto duration = numberAt(format, "duration");
    if (!duration) duration = numberAt(*video, "duration");
    if (duration && *duration >= 0 && *duration < 1e7) out.durationSeconds = *duration;

    const json& tags = tagsOf(format);
    for (const char* key : {"com.apple.quicktime.creationdate", "creation_time"}) {
        if (auto v = stringAt(tags, key)) {
            if ((out.creationTime = normaliseProbeDate(*v))) break;
        }
    }
    if (!out.creationTime) {
        if (auto v = stringAt(tagsOf(*video), "creation_time")) out.creationTime = normaliseProbeDate(*v);
    }
    for (const char* key : {"com.apple.quicktime.location.ISO6709", "location"}) {
        double lat, lon;
        if (auto v = stringAt(tags, key); v && parseIso6709(*v, &lat, &lon)) {
            out.latitude = lat;
            out.longitude = lon;
            break;
        }
    }
    out.make = cleanTag(tags, "com.apple.quicktime.make");
    if (!out.make) out.make = cleanTag(tags, "com.android.manufacturer");
    out.model = cleanTag(tags, "com.apple.quicktime.model");
    if (!out.model) out.model = cleanTag(tags, "com.android.model");
    if (auto v = stringAt(tags, "com.apple.quicktime.content.identifier"))
        out.contentIdentifier = normaliseContentIdentifier(*v);
    return out;
}

}  // namespace obscura::formats
