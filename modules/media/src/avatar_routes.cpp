#include "avatar_routes.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "atomic_file.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/images/asset_source.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/file_response.hpp"
#include "vips_engine.hpp"

namespace obscura::media {

namespace fs = std::filesystem;

namespace {

std::string avatarKey(const AvatarDeps& deps, const std::string& userId) {
    return deps.assets.userDerivedPrefix(userId) + "/avatar.webp";
}

Expected<Response> serveAvatar(AvatarDeps& deps, const Request& req, const std::string& userId) {
    // The avatar changes in place: revalidated every time, by the store's tag (local: its size and time).
    return FileResponse{.store = &deps.blobs,
                        .key = avatarKey(deps, userId),
                        .contentType = "image/webp",
                        .cacheControl = "private, no-cache"}
        .answer(req, notFound("you have no avatar yet: PUT a picture to set one"));
}

Expected<Response> putAvatar(AvatarDeps& deps, Request& req) {
    if (req.body.empty()) return badRequest("send the picture as the request body (JPEG, PNG, WebP, GIF or HEIC)");
    OBSCURA_TRY(type, images::sniffMediaType(std::string_view(req.body).substr(0, 4096)));
    if (type->type != images::AssetType::Image)
        return Error(ErrorCode::UnsupportedMediaType, "an avatar must be a picture, not a video");
    OBSCURA_TRY(kind, imageKindFromName(type->name));
    // Avatars stay on the browser formats: a RAW or TIFF would need a decode nobody asked for on a request thread.
    if (kind == ImageKind::Raw || kind == ImageKind::Tiff)
        return Error(ErrorCode::UnsupportedMediaType, "an avatar must be a JPEG, PNG, WebP, GIF or HEIC picture");

    std::error_code ec;
    fs::create_directories(deps.tmpDir, ec);
    const std::string source = deps.tmpDir + "/avatar-" + newUuid();
    OBSCURA_TRY_STATUS(writeFileAtomically(source, req.body));
    struct Remove {
        std::string path;
        ~Remove() { ::unlink(path.c_str()); }
    } remove{source};

    OBSCURA_TRY(pending, PendingBlob::create(deps.tmpDir, "avatar", ".webp"));
    OBSCURA_TRY(size, deps.vips.makeAvatar(source, kind, pending.path()));
    (void)size;
    OBSCURA_TRY_STATUS(pending.put(deps.blobs, avatarKey(deps, req.principal->userId), {"image/webp"}));
    return serveAvatar(deps, req, req.principal->userId);
}

// Anyone's avatar by id, for any signed-in user (Immich's profile images): the people pickers, album members,
// partners and the owners of shared photos show faces (GET /api/users lists every account to the same callers).
// An id without an avatar, or naming nobody, is 404.
Expected<Response> userAvatar(AvatarDeps& deps, Request& req) {
    const std::string id(req.param("id"));
    if (!isUuid(id)) return notFound("no such user");
    return serveAvatar(deps, req, id);
}

}  // namespace

std::optional<std::string> avatarUrlOf(const AvatarDeps& deps, const std::string& userId) {
    if (!isUuid(userId)) return std::nullopt;
    auto info = deps.blobs.stat(avatarKey(deps, userId));
    if (!info) return std::nullopt;
    // The version changes with the picture: the store's tag, kept to characters a URL carries as they are.
    std::string version;
    for (const char c : info->etag)
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-') version += c;
    return "/api/users/" + userId + "/avatar?v=" + version;
}

std::vector<Route> avatarRoutes(AvatarDeps& deps) {
    return {
        Route{.method = Method::Get,
              .pattern = "/api/users/me/avatar",
              .module = "media",
              .summary = "Your avatar: a 256x256 WebP; 404 until you set one",
              .handler = [&deps](Request& req) { return serveAvatar(deps, req, req.principal->userId); }},
        Route{.method = Method::Get,
              .pattern = "/api/users/{id}/avatar",
              .module = "media",
              .summary = "A user's avatar (the user object's avatarUrl), for any signed-in user",
              .handler = [&deps](Request& req) { return userAvatar(deps, req); }},
        Route{.method = Method::Put,
              .pattern = "/api/users/me/avatar",
              .module = "media",
              .summary =
                  "Set your avatar: the picture as the body (JPEG, PNG, WebP, GIF, HEIC); answers the new 256x256 WebP",
              .body = BodyKind::Buffered,
              .maxBodyBytes = kMaxAvatarBytes,
              .handler = [&deps](Request& req) { return putAvatar(deps, req); }},
    };
}

}  // namespace obscura::media
