#include "direct/direct_upload_routes.hpp"

#include <nlohmann/json.hpp>

#include "direct/direct_upload_service.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/kernel/json_body.hpp"
#include "upload/upload_routes.hpp"

namespace obscura::images {

namespace {

// The local store's PUT body: at most the signed size, straight into a temp file like an upload's file part.
class DirectPutSink final : public BodySink {
public:
    DirectPutSink(storage::DirectUploadRecord upload, UploadTempFile file)
        : upload_(std::move(upload)), file_(std::move(file)) {}

    Status write(std::string_view chunk) override {
        if (!file_) return internalError("direct upload body written after abort");
        if (file_->size() + chunk.size() > static_cast<std::uint64_t>(upload_.sizeBytes)) {
            abort();
            return invalid("the body is longer than the " + std::to_string(upload_.sizeBytes) +
                           " bytes this URL takes");
        }
        auto written = file_->write(chunk);
        if (!written) abort();
        return written;
    }
    Status finish() override { return file_ ? Status{} : internalError("direct upload finished after abort"); }
    void abort() noexcept override {
        if (file_) file_->abort();
        file_.reset();
    }

    const storage::DirectUploadRecord& upload() const { return upload_; }
    std::optional<UploadTempFile> takeFile() { return std::exchange(file_, std::nullopt); }

private:
    storage::DirectUploadRecord upload_;
    std::optional<UploadTempFile> file_;
};

std::string baseUrl(const Request& req, const std::string& publicUrl) {
    std::string base = publicUrl;
    if (base.empty())
        base = std::string(req.secure ? "https://" : "http://") + std::string(req.headers.get("Host").value_or(""));
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

Expected<DirectUploadRequest> readRequest(const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    DirectUploadRequest out;
    OBSCURA_TRY(fileName, body.requiredString("filename"));
    out.fileName = std::move(fileName);
    const auto& json = body.json();
    const auto size = json.find("sizeBytes");
    if (size == json.end() || !size->is_number_integer()) return badRequest("sizeBytes must be an integer");
    out.sizeBytes =
        size->is_number_unsigned() && size->get<std::uint64_t>() > INT64_MAX ? INT64_MAX : size->get<std::int64_t>();
    OBSCURA_TRY(checksum, body.optionalString("checksum"));
    out.checksum = checksum.value_or("");
    for (const char* field : {"albumId", "title", "description"}) {
        OBSCURA_TRY(value, body.optionalString(field));
        if (value) out.fields.emplace_back(field, std::move(*value));
    }
    return out;
}

Route createRoute(DirectUploadService& service, const std::string& publicUrl) {
    return Route{.method = Method::Post,
                 .pattern = "/api/assets/upload-url",
                 .module = "images",
                 .summary =
                     "Start a direct upload: a URL to PUT the file to (S3 itself, or the server's signed URL), then "
                     "confirm",
                 .body = BodyKind::Buffered,
                 .handler = [&service, publicUrl](Request& req) -> Expected<Response> {
                     OBSCURA_TRY(request, readRequest(req));
                     OBSCURA_TRY(ticket, service.create(req.principal->userId, request, baseUrl(req, publicUrl)));
                     nlohmann::json headers = nlohmann::json::object();
                     for (const auto& [name, value] : ticket.headers) headers[name] = value;
                     const nlohmann::json body = {{"uploadId", ticket.uploadId},
                                                  {"url", ticket.url},
                                                  {"method", ticket.method},
                                                  {"headers", headers},
                                                  {"expiresAt", formatRfc3339(ticket.expiresAtUs)}};
                     Response response = Response::json(201, body.dump());
                     response.headers.set("Cache-Control", "no-store");  // the URL is a credential
                     return response;
                 }};
}

Route confirmRoute(DirectUploadService& service) {
    return Route{.method = Method::Post,
                 .pattern = "/api/assets/upload-url/{uploadId}/confirm",
                 .module = "images",
                 .summary = "Import a direct upload once its bytes are there (201 asset, 200 duplicate)",
                 .handler = [&service](Request& req) -> Expected<Response> {
                     return service.confirm(req.principal->userId, std::string(req.param("uploadId")));
                 }};
}

Route putRoute(DirectUploadService& service) {
    Route route{.method = Method::Put,
                .pattern = "/api/uploads/direct/{uploadId}",
                .auth = AuthPolicy::Anonymous,
                .module = "images",
                .summary = "The body of a direct upload, to the signed URL upload-url gave (local store)",
                .maxBodyBytes = service.maxUploadBytes()};
    auto makeSink = [&service](Request& req) -> Expected<std::shared_ptr<DirectPutSink>> {
        OBSCURA_TRY(upload,
                    service.claimLocalPut(std::string(req.param("uploadId")), req.queryParam("expires").value_or(""),
                                          req.queryParam("size").value_or(""), req.queryParam("signature").value_or(""),
                                          contentLength(req)));
        OBSCURA_TRY(file, UploadTempFile::create(service.tmpDir()));
        return std::make_shared<DirectPutSink>(std::move(upload), std::move(file));
    };
    return streamedRoute<DirectPutSink>(
        std::move(route), makeSink, [&service](Request&, DirectPutSink& sink) -> Expected<Response> {
            auto file = sink.takeFile();
            if (!file) return internalError("the direct upload sink finished without a file");
            OBSCURA_TRY_STATUS(service.storeLocalPut(sink.upload(), std::move(*file)));
            const nlohmann::json body = {{"uploadId", sink.upload().id}, {"sizeBytes", sink.upload().sizeBytes}};
            return Response::json(200, body.dump());
        });
}

}  // namespace

std::vector<Route> directUploadRoutes(DirectUploadService& service, std::string publicUrl) {
    return {createRoute(service, publicUrl), confirmRoute(service), putRoute(service)};
}

}  // namespace obscura::images
