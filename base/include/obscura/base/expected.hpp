#pragma once
// Error and Expected<T>: the only way failures cross a module, plugin, bus or handler boundary.
// GCC 12 in C++20 mode has no std::expected, so this is a small one. Header-only because
// storage plugins use it without linking the kernel.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace obscura {

// Each code maps to exactly one HTTP status in app/http/src/error_mapping.cpp.
enum class ErrorCode : std::uint8_t {
    BadRequest,            // 400 bad_request
    Unauthenticated,       // 401 unauthenticated
    Forbidden,             // 403 forbidden
    NotFound,              // 404 not_found
    MethodNotAllowed,      // 405 method_not_allowed
    RequestTimeout,        // 408 request_timeout
    Conflict,              // 409 conflict
    PayloadTooLarge,       // 413 payload_too_large
    UnsupportedMediaType,  // 415 unsupported_media_type
    Invalid,               // 422 invalid
    RateLimited,           // 429 rate_limited
    HeaderTooLarge,        // 431 header_too_large
    Internal,              // 500 internal
    Unavailable,           // 503 unavailable
    QuotaExceeded,         // 507 quota_exceeded
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::string message;
    // A specific snake_case code that refines the status ("not_ready", "registration_closed"); empty = generic.
    std::string reason;
    // For 429/503: how long the client should wait.
    std::optional<int> retryAfterSeconds;

    Error() = default;
    Error(ErrorCode c, std::string msg, std::string why = {})
        : code(c), message(std::move(msg)), reason(std::move(why)) {}

    Error& retryAfter(int seconds) & {
        retryAfterSeconds = seconds;
        return *this;
    }
    Error&& retryAfter(int seconds) && {
        retryAfterSeconds = seconds;
        return std::move(*this);
    }
};

// Shorthands for the common constructions.
inline Error badRequest(std::string m) { return {ErrorCode::BadRequest, std::move(m)}; }
inline Error notFound(std::string m = "not found") { return {ErrorCode::NotFound, std::move(m)}; }
inline Error internalError(std::string m) { return {ErrorCode::Internal, std::move(m)}; }
inline Error invalid(std::string m) { return {ErrorCode::Invalid, std::move(m)}; }
inline Error unavailable(std::string m) { return {ErrorCode::Unavailable, std::move(m)}; }
inline Error conflict(std::string m) { return {ErrorCode::Conflict, std::move(m)}; }

// Tag type so `return Unexpected{err}` reads clearly; an Error converts implicitly as well.
struct Unexpected {
    Error error;
};

template <typename T>
class [[nodiscard]] Expected {
public:
    Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}         // NOLINT: implicit by design
    Expected(Error e) : v_(std::in_place_index<1>, std::move(e)) {}             // NOLINT
    Expected(Unexpected u) : v_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& { return std::get<1>(v_); }
    Error&& error() && { return std::get<1>(std::move(v_)); }

    template <typename U>
    T valueOr(U&& fallback) const& {
        return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Expected<void> {
public:
    Expected() = default;
    Expected(Error e) : e_(std::move(e)) {}             // NOLINT
    Expected(Unexpected u) : e_(std::move(u.error)) {}  // NOLINT

    bool ok() const noexcept { return !e_.has_value(); }
    explicit operator bool() const noexcept { return ok(); }
    const Error& error() const& { return *e_; }
    Error&& error() && { return std::move(*e_); }

private:
    std::optional<Error> e_;
};

using Status = Expected<void>;

// The snake_case name of a code as it appears in JSON error bodies.
constexpr std::string_view errorCodeName(ErrorCode c) {
    switch (c) {
        case ErrorCode::BadRequest:
            return "bad_request";
        case ErrorCode::Unauthenticated:
            return "unauthenticated";
        case ErrorCode::Forbidden:
            return "forbidden";
        case ErrorCode::NotFound:
            return "not_found";
        case ErrorCode::MethodNotAllowed:
            return "method_not_allowed";
        case ErrorCode::RequestTimeout:
            return "request_timeout";
        case ErrorCode::Conflict:
            return "conflict";
        case ErrorCode::PayloadTooLarge:
            return "payload_too_large";
        case ErrorCode::UnsupportedMediaType:
            return "unsupported_media_type";
        case ErrorCode::Invalid:
            return "invalid";
        case ErrorCode::RateLimited:
            return "rate_limited";
        case ErrorCode::HeaderTooLarge:
            return "header_too_large";
        case ErrorCode::Internal:
            return "internal";
        case ErrorCode::Unavailable:
            return "unavailable";
        case ErrorCode::QuotaExceeded:
            return "quota_exceeded";
    }
    return "internal";
}

}  // namespace obscura

// Propagates an error from an Expected-returning expression: OBSCURA_TRY(x, parse(s));
#define OBSCURA_CONCAT_INNER(a, b) a##b
#define OBSCURA_CONCAT(a, b) OBSCURA_CONCAT_INNER(a, b)
#define OBSCURA_TRY_STATUS(expr)                                                     \
    do {                                                                             \
        auto OBSCURA_CONCAT(obscura_try_status_, __LINE__) = (expr);                 \
        if (!OBSCURA_CONCAT(obscura_try_status_, __LINE__))                          \
            return std::move(OBSCURA_CONCAT(obscura_try_status_, __LINE__)).error(); \
    } while (0)
#define OBSCURA_TRY(var, expr)                                                                                     \
    auto OBSCURA_CONCAT(obscura_try_, __LINE__) = (expr);                                                          \
    if (!OBSCURA_CONCAT(obscura_try_, __LINE__)) return std::move(OBSCURA_CONCAT(obscura_try_, __LINE__)).error(); \
    auto var = std::move(OBSCURA_CONCAT(obscura_try_, __LINE__)).value()
