#pragma once
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura {

// The one place ErrorCode becomes an HTTP status (DESIGN.md section 3).
int httpStatus(ErrorCode code);
// {"error":{"code":…,"message":…,"requestId":…}} with WWW-Authenticate on 401 and Retry-After when set.
Response errorResponse(const Error& error, std::string_view requestId);

}  // namespace obscura
