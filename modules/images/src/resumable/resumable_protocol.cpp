#include "resumable/resumable_protocol.hpp"

#include <charconv>

#include "obscura/base/http_date.hpp"

namespace obscura::images {

namespace {

std::optional<bool> structuredBoolean(std::string_view value) {
    if (value == "?1") return true;
    if (value == "?0") return false;
    return std::nullopt;
}

}  // namespace

Expected<std::optional<UploadProtocol>> requestProtocol(const Request& req) {
    auto tus = req.headers.get("Tus-Resumable");
    auto draft = req.headers.get("Upload-Draft-Interop-Version");
    if (!tus && draft) {
        int version = 0;
        auto [end, ec] = std::from_chars(draft->data(), draft->data() + draft->size(), version);
        if (ec != std::errc() || end != draft->data() + draft->size() || version < kMinInteropVersion ||
            version > kMaxInteropVersion) {
            return badRequest("Upload-Draft-Interop-Version " + std::string(*draft) +
                              " is not spoken here (3 to 8 are)");
        }
        return std::optional<UploadProtocol>(UploadProtocol{version});
    }
    if (tus && *tus == "1.0.0") return std::optional<UploadProtocol>(UploadProtocol{});
    return std::optional<UploadProtocol>();
}

Expected<bool> completesUpload(const Request& req, UploadProtocol protocol) {
    if (!protocol.ietf()) return false;
    const char* name = protocol.interopVersion == 3 ? "Upload-Incomplete" : "Upload-Complete";
    auto header = req.headers.get(name);
    if (!header) return true;
    auto value = structuredBoolean(*header);
    if (!value) return badRequest(std::string(name) + " must be ?0 or ?1");
    return protocol.interopVersion == 3 ? !*value : *value;
}

std::string_view appendContentType(UploadProtocol protocol) {
    if (!protocol.ietf()) return "application/offset+octet-stream";
    return protocol.interopVersion >= 6 ? "application/partial-upload" : "";
}

std::string uploadLimit(std::uint64_t maxUploadBytes) { return "max-size=" + std::to_string(maxUploadBytes); }

void progressHeaders(Response& response, const storage::UploadRecord& upload, UploadProtocol protocol,
                     std::uint64_t maxUploadBytes) {
    response.headers.set("Upload-Offset", std::to_string(upload.offset));
    if (upload.assetId) response.headers.set("X-Asset-Id", *upload.assetId);
    if (!protocol.ietf()) {
        response.headers.set("Tus-Resumable", "1.0.0");
        response.headers.set("Upload-Expires", formatHttpDate(upload.expiresAtUs / 1'000'000));
        return;
    }
    const bool complete = upload.state != "open";
    response.headers.set("Upload-Draft-Interop-Version", std::to_string(protocol.interopVersion));
    if (protocol.interopVersion == 3) {
        response.headers.set("Upload-Incomplete", complete ? "?0" : "?1");
    } else {
        response.headers.set("Upload-Complete", complete ? "?1" : "?0");
    }
    if (upload.length) response.headers.set("Upload-Length", std::to_string(*upload.length));
    response.headers.set("Upload-Limit", uploadLimit(maxUploadBytes));
}

}  // namespace obscura::images
