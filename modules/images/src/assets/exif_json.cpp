// The stored exifInfo object (asset_json.hpp names its keys): only what the file told us, so a later
// re-read can tell "unknown" from "zero". The asset JSON fills the missing keys with null.
#include <nlohmann/json.hpp>

#include "assets/asset_metadata.hpp"
#include "upload/sidecar_metadata.hpp"

namespace obscura::images {

namespace {

template <typename T>
void put(nlohmann::json& j, const char* key, const std::optional<T>& value) {
    if (value) j[key] = *value;
}

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

std::string exifInfoJson(const formats::ExifInfo& exif) {
    nlohmann::json j = nlohmann::json::object();
    put(j, "make", exif.make);
    put(j, "model", exif.model);
    put(j, "lens", exif.lens);
    put(j, "fNumber", exif.fNumber);
    // As cameras and Immich show it ("1/250"); the number when the camera's text form is unknown.
    if (exif.exposureTimeText) {
        j["exposureTime"] = *exif.exposureTimeText;
    } else {
        put(j, "exposureTime", exif.exposureTime);
    }
    put(j, "iso", exif.iso);
    put(j, "focalLength", exif.focalLength);
    put(j, "latitude", exif.latitude);
    put(j, "longitude", exif.longitude);
    put(j, "orientation", exif.orientation);
    put(j, "dateTimeOriginal", exif.dateTimeOriginal);
    return dump(j);
}

std::string videoInfoJson(const formats::VideoProbe& probe) {
    nlohmann::json j = nlohmann::json::object();
    put(j, "make", probe.make);
    put(j, "model", probe.model);
    put(j, "latitude", probe.latitude);
    put(j, "longitude", probe.longitude);
    put(j, "dateTimeOriginal", probe.creationTime);
    return dump(j);
}

std::string exifWithLocation(const std::string& exifJson, double latitude, double longitude) {
    nlohmann::json j = nlohmann::json::parse(exifJson, nullptr, false);
    if (!j.is_object()) j = nlohmann::json::object();
    j["latitude"] = latitude;
    j["longitude"] = longitude;
    return dump(j);
}

std::string exifJsonWithSidecar(const std::string& exifJson, const formats::XmpSidecar& sidecar) {
    nlohmann::json j = nlohmann::json::parse(exifJson, nullptr, false);
    if (!j.is_object()) j = nlohmann::json::object();
    put(j, "rating", sidecar.rating);
    if (sidecar.latitude && sidecar.longitude) {
        j["latitude"] = *sidecar.latitude;
        j["longitude"] = *sidecar.longitude;
    }
    return dump(j);
}

}  // namespace obscura::images
