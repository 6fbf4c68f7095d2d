#include "resumable/resumable_routes.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include "obscura/base/json_text.hpp"
#include "obscura/base/rfc3339.hpp"
#include "resumable/resumable_protocol.hpp"
#include "resumable/resumable_service.hpp"
#include "resumable/resumable_sink.hpp"

namespace obscura::images {

namespace {

constexpr std::string_view kTusVersion = "1.0.0";
constexpr std::string_view kTusExtensions = "creation,creation-with-upload,termination,expiration,checksum";

void tusHeaders(Response& response) { response.headers.set("Tus-Resumable", std::string(kTusVersion)); }

// The error body of DESIGN.md section 3, for the statuses an ErrorCode cannot carry.
Response failure(const Request& req, int status, std::string_view code, std::string_view message) {
    std::string body = R"({"error":{"code":)";
    appendJsonString(body, code);
    body += R"(,"message":)";
    appendJsonString(body, message);
    body += R"(,"requestId":)";
    appendJsonString(body, req.requestId);
    body += "}}";
    Response response = Response::json(status, std::move(body));
    tusHeaders(response);
    return response;
}

// A service error as the answer: the tus-only statuses by their reason, the rest as the ErrorCode says.
Expected<Response> answer(const Request& req, Error error) {
    if (error.reason == "upload_locked") return failure(req, 423, error.reason, error.message);
    if (error.reason == "checksum_mismatch") return failure(req, 460, error.reason, error.message);
    return error;
}

// The request's protocol (resumable_protocol.hpp); `refusal` is set to the 412 when it speaks neither.
Expected<UploadProtocol> protocolOf(const Request& req, std::optional<Response>& refusal) {
    OBSCURA_TRY(protocol, requestProtocol(req));
    if (protocol) return *protocol;
    Response response = failure(
        req, 412, "unsupported_tus_version",
        req.headers.has("Tus-Resumable")
            ? "this server speaks tus " + std::string(kTusVersion) + " (or the IETF draft, interop versions 3 to 8)"
            : "neither Tus-Resumable nor Upload-Draft-Interop-Version was sent");
    response.headers.set("Tus-Version", std::string(kTusVersion));
    refusal = std::move(response);
    return UploadProtocol{};
}

// A non-negative decimal header; BadRequest naming it otherwise.
Expected<std::optional<std::int64_t>> numberHeader(const Request& req, std::string_view name) {
    auto header = req.headers.get(name);
    if (!header) return std::optional<std::int64_t>();
    std::int64_t value = 0;
    const char* end = header->data() + header->size();
    auto [at, ec] = std::from_chars(header->data(), end, value);
    if (header->empty() || ec != std::errc() || at != end || value < 0) {
        return badRequest(std::string(name) + " must be a non-negative integer");
    }
    return std::optional<std::int64_t>(value);
}

// Upload-Checksum: "sha1 <base64 digest>". Another algorithm is 400 (tus: the server announces the ones it has).
Expected<std::optional<formats::Sha1Digest>> chunkChecksum(const Request& req) {
    auto header = req.headers.get("Upload-Checksum");
    if (!header) return std::optional<formats::Sha1Digest>();
    const auto space = header->find(' ');
    if (space == std::string_view::npos || header->substr(0, space) != "sha1") {
        return badRequest("Upload-Checksum must be 'sha1 <base64>': the only algorithm here is sha1");
    }
    auto digest = formats::parseSha1Checksum(header->substr(space + 1));
    if (!digest || header->size() - space - 1 != 28)
        return badRequest("Upload-Checksum's sha1 is not 28 characters of base64");
    return std::optional<formats::Sha1Digest>(*digest);
}

// The body type an append must have: tus application/offset+octet-stream (400 when missing, 415 when another);
// the IETF draft application/partial-upload from interop version 6 (415), any before.
Status requireAppendType(const Request& req, UploadProtocol protocol) {
    const std::string_view wanted = appendContentType(protocol);
    if (wanted.empty()) return {};
    auto type = req.headers.get("Content-Type");
    if (!type && !protocol.ietf()) return badRequest("a body needs Content-Type: " + std::string(wanted));
    if (!type || type->substr(0, type->find(';')) != wanted) {
        return Error(ErrorCode::UnsupportedMediaType, "the body must be " + std::string(wanted));
    }
    return {};
}

bool hasBody(const Request& req) {
    if (req.headers.has("Transfer-Encoding")) return true;
    auto length = req.headers.get("Content-Length");
    return length && *length != "0";
}

Response optionsResponse(std::uint64_t maxUploadBytes) {
    Response response = Response::noContent();
    tusHeaders(response);
    response.headers.set("Tus-Version", std::string(kTusVersion));
    response.headers.set("Tus-Extension", std::string(kTusExtensions));
    response.headers.set("Tus-Max-Size", std::to_string(maxUploadBytes));
    response.headers.set("Tus-Checksum-Algorithm", "sha1");
    response.headers.set("Upload-Limit", uploadLimit(maxUploadBytes));
    return response;
}

std::string uploadJson(const storage::UploadRecord& upload) {
    nlohmann::json body = {{"id", upload.id},
                           {"offset", upload.offset},
                           {"length", upload.length ? nlohmann::json(*upload.length) : nlohmann::json(nullptr)},
                           {"status", upload.state},
                           {"createdAt", upload.createdAt},
                           {"expiresAt", formatRfc3339(upload.expiresAtUs)}};
    if (upload.assetId) body["assetId"] = *upload.assetId;
    if (!upload.error.empty()) body["error"] = upload.error;
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// POST /api/uploads: everything is checked and the upload made before the body is read; a duplicate named by
// its checksum is answered finished without reading it.
Expected<std::shared_ptr<ResumableSink>> createSink(ResumableService& service, std::uint64_t maxUploadBytes,
                                                    Request& req) {
    std::optional<Response> refusal;
    OBSCURA_TRY(protocol, protocolOf(req, refusal));
    if (refusal) {
        req.answerBeforeBody = std::make_shared<Response>(std::move(*refusal));
        return std::shared_ptr<ResumableSink>();
    }
    OBSCURA_TRY(completes, completesUpload(req, protocol));
    OBSCURA_TRY(contentLength, numberHeader(req, "Content-Length"));
    if (req.headers.has("Upload-Defer-Length")) {
        return badRequest("Upload-Defer-Length is not supported: send Upload-Length");
    }
    OBSCURA_TRY(length, numberHeader(req, "Upload-Length"));
    if (!length && !protocol.ietf()) return badRequest("Upload-Length is required");
    // The IETF draft: a request that completes the upload in one go tells its length by its body.
    if (!length && completes && contentLength) length = contentLength;
    OBSCURA_TRY(metadata, parseUploadMetadata(req.headers.get("Upload-Metadata").value_or("")));
    if (hasBody(req) && !protocol.ietf()) OBSCURA_TRY_STATUS(requireAppendType(req, protocol));
    OBSCURA_TRY(checksum, chunkChecksum(req));
    OBSCURA_TRY(upload, service.create(req.principal->userId, NewUpload{length, std::move(metadata)}));
    if (upload.state == "done") {
        Response response = Response::noContent();
        response.status = 201;
        progressHeaders(response, upload, protocol, maxUploadBytes);
        response.headers.set("Location", "/api/uploads/" + upload.id);
        req.answerBeforeBody = std::make_shared<Response>(std::move(response));
        return std::shared_ptr<ResumableSink>();
    }
    auto sink = service.beginAppend(req.principal->userId, upload.id, 0, contentLength, checksum, completes);
    if (sink && protocol.ietf()) {
        // The IETF draft (interop 3+): 104 Upload Resumption Supported with the upload's Location before the body
        // is read, so a client whose connection drops mid-body knows where to resume (HTTP/1.1 clients only; the
        // session writes it before the body).
        auto interim = std::make_shared<Response>(Response::noContent());
        interim->status = 104;
        interim->headers = Headers{};
        interim->headers.set("Location", "/api/uploads/" + upload.id);
        interim->headers.set("Upload-Draft-Interop-Version", std::to_string(protocol.interopVersion));
        req.answerBeforeBody = std::move(interim);
    }
    return sink;
}

Expected<std::shared_ptr<ResumableSink>> patchSink(ResumableService& service, Request& req) {
    // Existence first (DESIGN.md section 3): another user's upload is 404 whatever the headers say.
    const std::string id(req.param("id"));
    OBSCURA_TRY(upload, service.find(req.principal->userId, id));
    (void)upload;
    std::optional<Response> refusal;
    OBSCURA_TRY(protocol, protocolOf(req, refusal));
    if (refusal) {
        req.answerBeforeBody = std::make_shared<Response>(std::move(*refusal));
        return std::shared_ptr<ResumableSink>();
    }
    OBSCURA_TRY_STATUS(requireAppendType(req, protocol));
    OBSCURA_TRY(offset, numberHeader(req, "Upload-Offset"));
    if (!offset) return badRequest("Upload-Offset is required");
    OBSCURA_TRY(completes, completesUpload(req, protocol));
    OBSCURA_TRY(checksum, chunkChecksum(req));
    OBSCURA_TRY(contentLength, numberHeader(req, "Content-Length"));
    auto sink = service.beginAppend(req.principal->userId, id, *offset, contentLength, checksum, completes);
    if (!sink && sink.error().reason == "upload_locked") {
        auto locked = answer(req, std::move(sink).error());
        req.answerBeforeBody = std::make_shared<Response>(std::move(*locked));
        return std::shared_ptr<ResumableSink>();
    }
    return sink;
}

// The protocol of a request already admitted by its sink factory or checked by its handler.
UploadProtocol spokenBy(const Request& req) {
    auto protocol = requestProtocol(req);
    return protocol && *protocol ? **protocol : UploadProtocol{};
}

}  // namespace

std::vector<Route> resumableRoutes(ResumableService& service, std::uint64_t maxUploadBytes) {
    std::vector<Route> routes;
    routes.push_back(
        Route{.method = Method::Options,
              .pattern = "/api/uploads",
              .auth = AuthPolicy::Anonymous,
              .module = "images",
              .summary = "tus discovery: versions, extensions, maximum size, checksum algorithms",
              .handler = [maxUploadBytes](Request&) -> Expected<Response> { return optionsResponse(maxUploadBytes); }});

    Route create{.method = Method::Post,
                 .pattern = "/api/uploads",
                 .module = "images",
                 .summary = "Create a resumable upload (tus creation, creation-with-upload; the IETF draft)",
                 .maxBodyBytes = maxUploadBytes};
    routes.push_back(streamedRoute<ResumableSink>(
        std::move(create),
        [&service, maxUploadBytes](Request& req) { return createSink(service, maxUploadBytes, req); },
        [&service, maxUploadBytes](Request& req, ResumableSink& sink) -> Expected<Response> {
            const UploadProtocol protocol = spokenBy(req);
            auto appended = service.finishAppend(sink);
            if (!appended) return answer(req, std::move(appended).error());
            Response response = protocol.ietf() && appended->imported
                                    ? Response::json(201, uploadJson(appended->upload))
                                    : Response::noContent();
            response.status = 201;
            progressHeaders(response, appended->upload, protocol, maxUploadBytes);
            response.headers.set("Location", "/api/uploads/" + appended->upload.id);
            return response;
        }));

    routes.push_back(Route{.method = Method::Head,
                           .pattern = "/api/uploads/{id}",
                           .module = "images",
                           .summary = "The upload's offset (tus; the IETF draft)",
                           .handler = [&service, maxUploadBytes](Request& req) -> Expected<Response> {
                               // Existence first (DESIGN.md section 3): another user's upload is 404 whatever
                               // the headers say.
                               OBSCURA_TRY(found, service.find(req.principal->userId, std::string(req.param("id"))));
                               std::optional<Response> refusal;
                               OBSCURA_TRY(protocol, protocolOf(req, refusal));
                               if (refusal) return std::move(*refusal);
                               // All bytes there but not imported (a failure that passed): a client that resumes
                               // asks HEAD first and would take the full offset for done — import it now.
                               OBSCURA_TRY(upload, service.importIfComplete(req.principal->userId, std::move(found)));
                               Response response = Response::text(protocol.ietf() ? 204 : 200, "");
                               response.headers.remove("Content-Type");
                               progressHeaders(response, upload, protocol, maxUploadBytes);
                               if (upload.length) response.headers.set("Upload-Length", std::to_string(*upload.length));
                               response.headers.set("Cache-Control", "no-store");
                               return response;
                           }});

    Route patch{.method = Method::Patch,
                .pattern = "/api/uploads/{id}",
                .module = "images",
                .summary = "Append to a resumable upload at Upload-Offset (tus; the IETF draft)",
                .maxBodyBytes = maxUploadBytes};
    routes.push_back(streamedRoute<ResumableSink>(
        std::move(patch), [&service](Request& req) { return patchSink(service, req); },
        [&service, maxUploadBytes](Request& req, ResumableSink& sink) -> Expected<Response> {
            const UploadProtocol protocol = spokenBy(req);
            auto appended = service.finishAppend(sink);
            if (!appended) return answer(req, std::move(appended).error());
            // The IETF draft: the request that completes the upload gets the resource's answer.
            Response response = protocol.ietf() && appended->imported
                                    ? Response::json(200, uploadJson(appended->upload))
                                    : Response::noContent();
            progressHeaders(response, appended->upload, protocol, maxUploadBytes);
            return response;
        }));

    routes.push_back(Route{.method = Method::Delete,
                           .pattern = "/api/uploads/{id}",
                           .module = "images",
                           .summary = "Terminate a resumable upload (tus termination; the IETF draft's cancel)",
                           .handler = [&service](Request& req) -> Expected<Response> {
                               const std::string id(req.param("id"));
                               OBSCURA_TRY(upload, service.find(req.principal->userId, id));
                               (void)upload;
                               std::optional<Response> refusal;
                               OBSCURA_TRY(protocol, protocolOf(req, refusal));
                               if (refusal) return std::move(*refusal);
                               OBSCURA_TRY_STATUS(service.terminate(req.principal->userId, id));
                               Response response = Response::noContent();
                               if (!protocol.ietf()) tusHeaders(response);
                               return response;
                           }});

    routes.push_back(Route{.method = Method::Get,
                           .pattern = "/api/uploads/{id}",
                           .module = "images",
                           .summary = "A resumable upload's progress and, once imported, its asset",
                           .handler = [&service](Request& req) -> Expected<Response> {
                               OBSCURA_TRY(upload, service.find(req.principal->userId, std::string(req.param("id"))));
                               return Response::json(200, uploadJson(upload));
                           }});
    return routes;
}

}  // namespace obscura::images
