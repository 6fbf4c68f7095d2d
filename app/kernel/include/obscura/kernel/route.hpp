#pragma once
// A route is written as designated initializers, the short descriptive fields first and the handler last:
//
//   Route{.method = Method::Post, .pattern = "/api/api-keys", .auth = AuthPolicy::User, .module = "auth",
//         .summary = "Create an API key", .body = BodyKind::Buffered,
//         .handler = [&](Request& req) -> Expected<Response> { … }}
//
// Members may be left out but not reordered (C++20), so the member order below is the order to write them in.
// Every member has a default member initializer, so leaving one out is not a -Wmissing-field-initializers warning.
// A route whose body streams into a sink of its own type is made with streamedRoute<Sink>() (no cast back).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

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
    std::string pattern{};  // "/api/assets/{id}"; literal segments win over parameters
    AuthPolicy auth = AuthPolicy::User;
    std::string module{};   // owning module, for OpenAPI tags and the access matrix
    std::string summary{};  // one line for the OpenAPI document
    BodyKind body = BodyKind::None;
    std::uint64_t maxBodyBytes = kDefaultJsonBodyLimit;  // never unlimited
    bool rawPathTail = false;  // the last parameter takes the rest of the path ("/assets/{file}" for the UI)
    SinkFactory makeSink{};    // BodyKind::Streamed only (see streamedRoute)
    // The handler only reads (the embedded database) and renders, without a body: it runs on the server's compute
    // pool (HttpServerOptions::computeThreads, one thread per core) when there is one. A burst of such requests
    // then takes the cores in turn instead of sharing them among every worker, which stretched each request and
    // the tail with it (bench/listing/cpu.sh: p99 11 -> 8 ms at 32 connections on 2 cores).
    bool compute = false;
    Handler handler{};
};

// The sink of a request its factory answered before the body (Request::answerBeforeBody): never written to.
class UnusedSink final : public BodySink {
public:
    Status write(std::string_view) override { return {}; }
    Status finish() override { return {}; }
    void abort() noexcept override {}
};

template <typename Sink>
using TypedSinkFactory = std::function<Expected<std::shared_ptr<Sink>>(Request&)>;
template <typename Sink>
using TypedSinkHandler = std::function<Expected<Response>(Request&, Sink&)>;

// Completes `route` (method, pattern, auth, module, summary, maxBodyBytes already set) as a streamed-body route
// whose handler is given the very sink its factory made, with its own type. The factory runs once the caller
// is authenticated (before the body is read); it binds the handler to the sink in Request::streamedHandler, so
// the handler never casts Request::sink back. A factory that set Request::answerBeforeBody may return no sink.
template <typename Sink>
Route streamedRoute(Route route, TypedSinkFactory<Sink> makeSink, TypedSinkHandler<Sink> handler) {
    static_assert(std::is_base_of_v<BodySink, Sink>, "a streamed body goes into a BodySink");
    auto typedHandler = std::make_shared<const TypedSinkHandler<Sink>>(std::move(handler));
    route.body = BodyKind::Streamed;
    route.makeSink = [makeSink = std::move(makeSink),
                      typedHandler](Request& req) -> Expected<std::shared_ptr<BodySink>> {
        OBSCURA_TRY(sink, makeSink(req));
        if (!sink && req.answerBeforeBody) return std::shared_ptr<BodySink>(std::make_shared<UnusedSink>());
        if (!sink) return internalError("the sink factory of " + req.path + " returned no sink");
        req.streamedHandler = [sink, typedHandler](Request& r) { return (*typedHandler)(r, *sink); };
        return std::shared_ptr<BodySink>(std::move(sink));
    };
    route.handler = [](Request& req) -> Expected<Response> {
        if (!req.streamedHandler) return internalError("a streamed route ran without the sink it made");
        return req.streamedHandler(req);
    };
    return route;
}

}  // namespace obscura
