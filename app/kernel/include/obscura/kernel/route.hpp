#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura {

// Who may call a route. The access-matrix test and /api/openapi.json are generated from these.
enum class AuthPolicy : std::uint8_t {
    Anonymous,  // anyone
    User,       // a signed-in user (bearer token, API key or browser cookie)
    Admin,      // a signed-in admin
    ShareLink,  // anyone holding a share-link key (checked by the handler against the link)
};
std::string_view authPolicyName(AuthPolicy p);

enum class BodyKind : std::uint8_t {
    None,      // a small body is drained and ignored; a large one is 413
    Buffered,  // read into Request::body, up to maxBodyBytes
    Streamed,  // fed chunk by chunk to the sink made by makeSink, up to maxBodyBytes
};

using Handler = std::function<Expected<Response>(Request&)>;
using SinkFactory = std::function<Expected<std::shared_ptr<BodySink>>(Request&)>;

inline constexpr std::uint64_t kDefaultJsonBodyLimit = 1 << 20;

struct Route {
    Method method = Method::Get;
    std::string pattern;  // "/api/assets/{id}"; literal segments win over parameters
    AuthPolicy auth = AuthPolicy::User;
    Handler handler;
    BodyKind body = BodyKind::None;
    std::uint64_t maxBodyBytes = kDefaultJsonBodyLimit;  // never unlimited
    SinkFactory makeSink;    // BodyKind::Streamed only
    std::string summary;     // one line for the OpenAPI document
    std::string module;      // owning module, for OpenAPI tags and the access matrix
    bool rawPathTail = false;  // the last parameter takes the rest of the path ("/assets/{file}" for the UI)
};

}  // namespace obscura
