#include "web_routes.hpp"

#include <array>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <vector>

#include "obscura/kernel/executable_dir.hpp"
#include "obscura/kernel/file_response.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/router.hpp"

namespace obscura {
namespace {

namespace fs = std::filesystem;

// The SPA's own routes; the client-side router picks the page. The second web issue's pages are listed
// already so their deep links work from the first build that has them.
constexpr std::array kPages = {
    "/",        "/trash",     "/photos/{id}", "/s/{key}",        "/albums",      "/albums/{id}",
    "/search",  "/favorites", "/account",     "/admin",          "/admin/users", "/admin/jobs",
    "/archive", "/tags",      "/sharing",     "/sharing/groups", "/map"};
// Pages added by later issues, one line each so that branches adding pages merge cleanly.
constexpr std::array kLaterPages = {
    "/duplicates",      // near-duplicates (issue 22)
    "/reset-password",  // the page a mailed password-reset link opens (issue 24)
};

// No inline script or style anywhere in the bundle; media only from us (blob: for local previews).
// The map's tile origin is added to img-src (contentSecurityPolicy).
constexpr std::string_view kPolicyHead =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:";
constexpr std::string_view kPolicyTail =
    "; media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

std::string_view contentTypeOf(std::string_view name) {
    struct Type {
        std::string_view ext, type;
    };
    static constexpr Type kTypes[] = {
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".html", "text/html; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".webp", "image/webp"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
    };
    for (const auto& t : kTypes) {
        if (name.size() > t.ext.size() && name.substr(name.size() - t.ext.size()) == t.ext) return t.type;
    }
    return "application/octet-stream";
}

// A relative path of plain names ([A-Za-z0-9._-] segments, none "." or ".."): nothing the client sends can
// leave the web root.
bool isSafeRelativePath(std::string_view path) {
    if (path.empty() || path.size() > 200) return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        auto seg = path.substr(start, end - start);
        if (seg.empty() || seg == "." || seg == "..") return false;
        for (char c : seg) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                            c == '_' || c == '-';
            if (!ok) return false;
        }
        start = end + 1;
    }
    return true;
}

bool acceptsGzip(const Request& request) {
    for (auto value : request.headers.getAll("Accept-Encoding")) {
        // A plain token check: "gzip;q=0" is the only refusal form, and no browser sends it.
        if (value.find("gzip") != std::string_view::npos && value.find("gzip;q=0") == std::string_view::npos)
            return true;
    }
    return false;
}

bool isRegularFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

// The file, or its .gz twin (written by the web build) when the client takes gzip, with validators so a
// browser revalidating index.html gets a 304.
Expected<Response> fileResponse(const Request& request, const fs::path& path, std::string_view cacheControl) {
    if (!isRegularFile(path)) return Error(ErrorCode::NotFound, "no such file");
    fs::path gz = path;
    gz += ".gz";
    const bool gzipped = acceptsGzip(request) && isRegularFile(gz);
    // The UI's own files are pages and scripts of ours: no sandbox (index.html gets its own policy).
    OBSCURA_TRY(response, (FileResponse{.path = gzipped ? gz.string() : path.string(),
                                        .contentType = std::string(contentTypeOf(path.filename().string())),
                                        .cacheControl = std::string(cacheControl),
                                        .sandbox = false}
                               .answer(request, Error(ErrorCode::NotFound, "no such file"))));
    response.headers.set("Vary", "Accept-Encoding");
    if (gzipped) response.headers.set("Content-Encoding", "gzip");
    return response;
}

Error notBuilt() {
    return Error(ErrorCode::NotFound,
                 "the web UI is not built into this server (install node and npm, then rebuild; see web/README.md)");
}

}  // namespace

std::string contentSecurityPolicy(const std::string& mapTileUrl) {
    std::string policy(kPolicyHead);
    const auto scheme = mapTileUrl.find("://");
    if (scheme != std::string::npos) {
        std::string origin = mapTileUrl.substr(0, mapTileUrl.find('/', scheme + 3));
        const auto sub = origin.find("{s}.");
        if (sub != std::string::npos) origin.replace(sub, 3, "*");
        // Only a plain origin goes into the header: anything else (another template field, a quote, a space or
        // a semicolon) leaves the map's tiles blocked rather than the policy changed.
        const bool plain = origin.find_first_of(" ;,'\"{}") == std::string::npos;
        // data: too: Leaflet points a tile it stops loading (a zoom or pan mid-load) at a 1×1 data: GIF it keeps in a
        // module variable, so it cannot be pointed elsewhere. An image, never a script: nothing runs from it.
        if (plain) policy.append(" data: ").append(origin);
    }
    policy.append(kPolicyTail);
    return policy;
}

std::string findWebRoot() {
    auto exeDir = executableDir();
    if (!exeDir) return "";
    const fs::path root = (*exeDir / ".." / "share" / "obscura" / "web").lexically_normal();
    return isRegularFile(root / "index.html") ? root.string() : "";
}

Status addWebRoutes(Router& router, const std::string& webRoot, const std::string& mapTileUrl) {
    const std::string policy = contentSecurityPolicy(mapTileUrl);
    if (webRoot.empty()) log::warn("no built web UI found beside the executable (share/obscura/web): / answers 404");
    const fs::path root(webRoot);
    std::vector<const char*> pages(kPages.begin(), kPages.end());
    pages.insert(pages.end(), kLaterPages.begin(), kLaterPages.end());
    for (const char* page : pages) {
        OBSCURA_TRY_STATUS(router.add({.method = Method::Get,
                                       .pattern = page,
                                       .auth = AuthPolicy::Anonymous,
                                       .module = "web",
                                       .summary = "Web UI page (index.html)",
                                       .handler = [root, policy](Request& request) -> Expected<Response> {
                                           if (root.empty()) return notBuilt();
                                           OBSCURA_TRY(response,
                                                       fileResponse(request, root / "index.html", "no-cache"));
                                           response.headers.set("Content-Security-Policy", policy);
                                           response.headers.set("Referrer-Policy", "same-origin");
                                           response.headers.set("X-Frame-Options", "DENY");
                                           response.headers.set("Cross-Origin-Opener-Policy", "same-origin");
                                           return response;
                                       }}));
    }
    OBSCURA_TRY_STATUS(router.add({.method = Method::Get,
                                   .pattern = "/assets/{file}",
                                   .auth = AuthPolicy::Anonymous,
                                   .module = "web",
                                   .summary = "Web UI bundle files (hashed names, cached for a year)",
                                   .rawPathTail = true,
                                   .handler = [root](Request& request) -> Expected<Response> {
                                       if (root.empty()) return notBuilt();
                                       const auto file = request.param("file");
                                       if (!isSafeRelativePath(file)) return Error(ErrorCode::NotFound, "no such file");
                                       return fileResponse(request, root / "assets" / std::string(file), kImmutable);
                                   }}));
    return router.add({.method = Method::Get,
                       .pattern = "/favicon.svg",
                       .auth = AuthPolicy::Anonymous,
                       .module = "web",
                       .summary = "Web UI icon",
                       .handler = [root](Request& request) -> Expected<Response> {
                           if (root.empty()) return notBuilt();
                           return fileResponse(request, root / "favicon.svg", "public, max-age=86400");
                       }});
}

}  // namespace obscura
