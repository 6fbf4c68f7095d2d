#pragma once
// Beast-free HTTP request/response types: what modules see. Only app/http knows Beast.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

namespace blobs {
class BlobReader;
}

enum class Method : std::uint8_t { Get, Head, Post, Put, Patch, Delete, Options, Other };
std::string_view methodName(Method m);
Method parseMethod(std::string_view s);

// Case-insensitive header list preserving order; small, so a vector beats a map.
class Headers {
public:
    std::optional<std::string_view> get(std::string_view name) const;
    std::vector<std::string_view> getAll(std::string_view name) const;
    bool has(std::string_view name) const { return get(name).has_value(); }
    void set(std::string name, std::string value);  // replaces every header of that name
    void add(std::string name, std::string value);
    void remove(std::string_view name);
    const std::vector<std::pair<std::string, std::string>>& all() const { return items_; }

private:
    std::vector<std::pair<std::string, std::string>> items_;
};

// Who is calling, as established by the auth middleware.
struct Principal {
    enum class Via : std::uint8_t { Bearer, ApiKey, Cookie, ShareLink };
    std::string userId;
    std::string username;
    bool isAdmin = false;
    Via via = Via::Bearer;
    std::string apiKeyId;  // set when via == ApiKey
};

// Receives a streamed request body chunk by chunk (uploads). Called on an I/O thread: write() must not block
// for long. finish() is called once after the last chunk; abort() when the client vanished or a limit tripped.
class BodySink {
public:
    virtual ~BodySink() = default;
    virtual Status write(std::string_view chunk) = 0;
    virtual Status finish() = 0;
    virtual void abort() noexcept = 0;
};

struct Route;
struct Response;

struct Request {
    Method method = Method::Get;
    std::string target;                                            // as received: path plus query
    std::string path;                                              // percent-decoded path, no query
    std::string query;                                             // raw query string without '?'
    std::vector<std::pair<std::string, std::string>> queryParams;  // decoded, in order
    Headers headers;
    std::string body;                // BodyKind::Buffered routes only
    std::shared_ptr<BodySink> sink;  // BodyKind::Streamed routes: the sink the body went into
    // Routes made by streamedRoute<Sink>() (route.hpp): the handler bound to that sink with its own type.
    std::function<Expected<Response>(Request&)> streamedHandler;
    std::unordered_map<std::string, std::string> params;  // path parameters by name
    std::string clientIp;
    bool secure = false;  // https, directly or through a trusted proxy
    std::string requestId;
    std::optional<Principal> principal;
    const Route* route = nullptr;
    std::chrono::steady_clock::time_point receivedAt{};
    // Set by a sink factory (streamed routes) that answers before the body, with a status an Error cannot say
    // (tus 412/423, a duplicate's 200): the body is then never read — a small announced one is drained, anything
    // else closes the connection — and this is the response.
    std::shared_ptr<Response> answerBeforeBody;

    std::optional<std::string_view> queryParam(std::string_view name) const;
    std::vector<std::string_view> queryParamAll(std::string_view name) const;
    std::string_view param(std::string_view name) const;  // "" when absent
    // The cookie of that name, if sent.
    std::optional<std::string> cookie(std::string_view name) const;
};

// A response body produced over time (Server-Sent Events). The HTTP layer pulls; the producer delivers
// one chunk per pull, from any thread. nullopt ends the stream. cancel() when the client leaves or we stop.
class ResponseStream {
public:
    virtual ~ResponseStream() = default;
    virtual void pull(std::function<void(std::optional<std::string>)> deliver) = 0;
    virtual void cancel() noexcept = 0;
};

struct FileBody {
    std::string path;
    std::uint64_t offset = 0;
    std::optional<std::uint64_t> length;  // to the end when empty
};

struct Response {
    int status = 200;
    Headers headers;
    std::string body;
    // Instead of body: bytes shared with a cache (rendered listing pages), sent without being copied.
    std::shared_ptr<const std::string> sharedBody;
    std::optional<FileBody> file;
    // Instead of body or file: bytes streamed from a blob store (FileResponse with a store that has no local
    // file), all that remain in the reader, sent with their Content-Length. read() is called on the worker pool,
    // one call at a time (a remote store's read blocks), never on an I/O thread.
    std::shared_ptr<blobs::BlobReader> blob;
    std::shared_ptr<ResponseStream> stream;

    static Response json(int status, std::string serializedJson);
    static Response json(int status, std::shared_ptr<const std::string> serializedJson);
    static Response text(int status, std::string body, std::string contentType = "text/plain; charset=utf-8");
    static Response noContent();
};

// Parses "a=1&b=x%20y" into decoded pairs; '+' means space. Malformed escapes are kept literally.
std::vector<std::pair<std::string, std::string>> parseQuery(std::string_view query);
// Percent-decodes a path. Returns nullopt on malformed escapes or a decoded NUL byte.
std::optional<std::string> decodePath(std::string_view raw);

}  // namespace obscura
