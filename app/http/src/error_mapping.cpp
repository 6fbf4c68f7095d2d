#include "obscura/http/error_mapping.hpp"

#include <algorithm>
#include <string>

#include "obscura/base/json_text.hpp"

namespace obscura {

int httpStatus(ErrorCode code) {
    switch (code) {
        case ErrorCode::BadRequest:
            return 400;
        case ErrorCode::Unauthenticated:
            return 401;
        case ErrorCode::Forbidden:
            return 403;
        case ErrorCode::NotFound:
            return 404;
        case ErrorCode::MethodNotAllowed:
            return 405;
        case ErrorCode::RequestTimeout:
            return 408;
        case ErrorCode::Conflict:
            return 409;
        case ErrorCode::PayloadTooLarge:
            return 413;
        case ErrorCode::UnsupportedMediaType:
            return 415;
        case ErrorCode::Invalid:
            return 422;
        case ErrorCode::RateLimited:
            return 429;
        case ErrorCode::HeaderTooLarge:
            return 431;
        case ErrorCode::Internal:
            return 500;
        case ErrorCode::Unavailable:
            return 503;
        case ErrorCode::QuotaExceeded:
            return 507;
    }
    return 500;
}

Response errorResponse(const Error& error, std::string_view requestId) {
    const std::string_view code = error.reason.empty() ? errorCodeName(error.code) : std::string_view(error.reason);
    Response response;
    response.status = httpStatus(error.code);
    std::string& body = response.body;
    body.reserve(64 + code.size() + error.message.size() + requestId.size());
    body += R"({"error":{"code":)";
    appendJsonString(body, code);
    body += R"(,"message":)";
    appendJsonString(body, error.message);
    body += R"(,"requestId":)";
    appendJsonString(body, requestId);
    body += "}}";
    response.headers.set("Content-Type", "application/json");
    if (error.code == ErrorCode::Unauthenticated) response.headers.set("WWW-Authenticate", "Bearer");
    if (error.retryAfterSeconds) {
        response.headers.set("Retry-After", std::to_string(std::max(0, *error.retryAfterSeconds)));
    }
    return response;
}

}  // namespace obscura
