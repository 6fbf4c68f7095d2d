// The access policy table (access_policy.hpp). The matrix's objects: a VIDEO asset of user A (so its thumbnail
// and video answer not_ready until the media module makes them) with its original file on disk, an album of
// A holding it, and share links of A to that album. Bodies are minimal: an entitled caller proves it got past
// authentication, existence and permission by reaching the body checks (400/422), never by a 401/403/404.
#include "access_policy.hpp"

namespace obscura::test {

namespace {

const Outcomes kOk = {{200}};
const Outcomes kNoContent = {{204}};
const Outcomes kNotFound = {{404, "not_found"}};
const Outcomes kNotReady = {{404, "not_ready"}};
const Outcomes kBadBody = {{400}, {422}};
const Outcomes kNotAPicture = {{415, "unsupported_media_type"}};

// An Owner route's row with what sharing gives on it (Share::Private when not wrapped).
RoutePolicy sharing(Share share, RoutePolicy policy, Outcomes contributed = {}) {
    policy.share = share;
    policy.contributed = std::move(contributed);
    return policy;
}

}  // namespace

const std::vector<RoutePolicy>& accessPolicies() {
    static const std::vector<RoutePolicy> kPolicies = {
        // Server and discovery.
        {"GET", "/healthz", Access::Public, {}},
        {"GET", "/readyz", Access::Public, {}},
        {"GET", "/metrics", Access::Public, {}},
        {"GET", "/api/openapi.json", Access::Public, {}},
        {"GET", "/.well-known/immich", Access::Public, {}},
        {"GET", "/api/server/version", Access::Public, {}},
        {"GET", "/api/server/ping", Access::Public, {}},
        {"GET", "/api/server/features", Access::Public, {}},
        {"GET", "/api/server/media-types", Access::Public, {}},
        // Auth: sign-in flows are public; the account routes are the caller's own.
        {"GET", "/api/auth/setup", Access::Public, {}},
        {"POST", "/api/auth/register", Access::Public, {}, {}, "{}"},
        {"POST", "/api/auth/login", Access::Public, {}, {}, "{}"},
        // No refresh token, or an unknown one, is 401 for everyone (nobody is signed in as far as refresh goes): a
        // malformed one shows that every caller gets the same answer.
        {"POST", "/api/auth/refresh", Access::Public, {}, {}, R"({"refreshToken":42})"},
        {"POST", "/api/auth/logout", Access::Public, {}, {}, "{}"},
        // Two-factor sign-in and password reset (issue 24): the second step and the reset are sign-in flows.
        {"POST", "/api/auth/mfa/verify", Access::Public, {}, {}, "{}"},
        {"POST", "/api/auth/password-reset", Access::Public, {}, {}, "{}"},
        {"POST", "/api/auth/password-reset/confirm", Access::Public, {}, {}, "{}"},
        {"GET", "/api/auth/mfa", Access::Self, kOk},
        {"POST", "/api/auth/mfa/setup", Access::Session, kOk},
        {"POST", "/api/auth/mfa/enable", Access::Session, kBadBody, {}, "{}"},
        {"DELETE", "/api/auth/mfa", Access::Session, kBadBody, {}, "{}"},
        {"DELETE", "/api/admin/users/{id}/mfa", Access::Admin, kNotFound},
        // OIDC sign-in (issue 24): public, the same answer for every caller (404 here: no provider configured).
        {"GET", "/api/oauth/authorize", Access::Public, {}},
        {"GET", "/api/oauth/callback", Access::Public, {}},
        {"GET", "/api/users/me", Access::Self, kOk},
        {"GET", "/api/users", Access::Self, kOk},
        {"PATCH", "/api/users/me", Access::Self, kOk, {}, "{}"},
        {"DELETE", "/api/users/me", Access::Session, kBadBody, {}, "{}"},
        {"PUT", "/api/users/me/password", Access::Session, kBadBody, {}, "{}"},
        {"GET", "/api/users/me/usage", Access::Self, kOk},
        {"GET", "/api/api-keys", Access::Self, kOk},
        {"POST", "/api/api-keys", Access::Session, {{201}}, {}, R"({"name":"matrix"})"},
        // Bearer callers are not calling with a key: 403 (Immich's answer); the API-key caller gets its key.
        {"GET", "/api/api-keys/me", Access::Self, {{200}, {403}}},
        {"DELETE", "/api/api-keys/{id}", Access::Self, kNotFound},  // {id}: an id nobody has
        // Administration. {id}: an id nobody has.
        {"GET", "/api/admin/users", Access::Admin, kOk},
        {"POST", "/api/admin/users", Access::Admin, kBadBody, {}, "{}"},
        {"GET", "/api/admin/users/{id}", Access::Admin, kNotFound},
        {"PATCH", "/api/admin/users/{id}", Access::Admin, kNotFound, {}, "{}"},
        {"DELETE", "/api/admin/users/{id}", Access::Admin, kNotFound},
        {"GET", "/api/admin/jobs", Access::Admin, kOk},
        {"POST", "/api/admin/jobs/retry", Access::Admin, kOk, {}, "{}"},
        // Assets: collections are the caller's own (another user's objects never show), one asset is its owner's.
        {"GET", "/api/assets", Access::Self, kOk},
        {"POST", "/api/assets", Access::Self, {{400}, {415}}, {}, "{}"},
        {"GET", "/api/assets/statistics", Access::Self, kOk},
        {"POST",
         "/api/assets/bulk-upload-check",
         Access::Self,
         kOk,
         {},
         R"({"assets":[{"id":"matrix","checksum":"{checksum}"}]})"},
        // Direct upload: the URL is the caller's own; a pending upload is its creator's alone (its bytes never
        // came: 409 not_uploaded), 404 to everyone else. The signed PUT takes no sign-in (the URL is the
        // credential): {uploadId} is a pending upload, the query no signature, so every caller gets one 403.
        {"POST", "/api/assets/upload-url", Access::Self, kBadBody, {}, "{}"},
        {"POST", "/api/assets/upload-url/{uploadId}/confirm", Access::Owner, {{409, "not_uploaded"}}},
        {"PUT", "/api/uploads/direct/{uploadId}", Access::Public, {}},
        {"GET", "/api/search", Access::Self, kOk},
        {"GET", "/api/timeline", Access::Self, kOk},
        {"GET", "/api/tags", Access::Self, kOk},
        // Finding photos again (issue 22): the caller's own positions and memories.
        {"GET", "/api/map/markers", Access::Self, kOk},
        {"GET", "/api/memories", Access::Self, kOk},
        {"GET", "/api/trash", Access::Self, kOk},
        {"POST", "/api/trash/restore", Access::Self, kOk, {}, R"({"ids":["{asset}"]})"},
        {"POST", "/api/trash/empty", Access::Self, kOk},
        // One asset: whoever sees it through sharing may look and download; changing it stays the owner's.
        sharing(Share::AssetRead, {"GET", "/api/assets/{id}", Access::Owner, kOk}),
        sharing(Share::AssetWrite, {"PATCH", "/api/assets/{id}", Access::Owner, kOk, {}, R"({"title":"matrix"})"}),
        sharing(Share::AssetWrite, {"DELETE", "/api/assets/{id}", Access::Owner, kNoContent}),
        sharing(Share::AssetRead, {"GET", "/api/assets/{id}/original", Access::Owner, kOk}),
        sharing(Share::AssetRead, {"GET", "/api/assets/{id}/thumbnail", Access::Owner, kNotReady}),
        sharing(Share::AssetRead, {"GET", "/api/assets/{id}/video", Access::Owner, kNotReady}),
        // Media: conversions ({format} is mp3 in the matrix), jobs (a random id: nobody's), avatars, events.
        {"POST", "/api/assets/{id}/conversions", Access::Owner, kBadBody, {}, "{}"},
        {"GET", "/api/assets/{id}/conversions/{format}", Access::Owner, kNotReady},
        {"GET", "/api/jobs/{id}", Access::Owner, kNotFound},
        {"GET", "/api/users/me/avatar", Access::Self, kNotFound},
        {"PUT", "/api/users/me/avatar", Access::Self, kNotAPicture, {}, "{}"},
        // {id} is a random id here: nobody's, so 404 for everyone signed in (real avatars: media.avatar test).
        {"GET", "/api/users/{id}/avatar", Access::Self, kNotFound},
        {"GET", "/api/events", Access::Self, kOk, {}, "", true},
        // Near-duplicates (issue 22): the caller's own images only; {id} is a group id nobody has. Related photos of
        // an asset: whoever sees the asset (the answer holds only what they see).
        {"GET", "/api/duplicates", Access::Self, kOk},
        {"POST", "/api/duplicates/resolve", Access::Self, kBadBody, {}, "{}"},
        {"DELETE", "/api/duplicates/{id}", Access::Self, kNotFound},
        sharing(Share::AssetRead, {"GET", "/api/assets/{id}/related", Access::Owner, kOk}),
        // The web UI's pages and files: public (the page asks for a sign-in itself); {file}/{id}/{key} are
        // placeholders that name nothing, so every caller gets the same 404 or page.
        {"GET", "/", Access::Public, {}},
        {"GET", "/trash", Access::Public, {}},
        {"GET", "/photos/{id}", Access::Public, {}},
        {"GET", "/s/{key}", Access::Public, {}},
        {"GET", "/albums", Access::Public, {}},
        {"GET", "/albums/{id}", Access::Public, {}},
        {"GET", "/search", Access::Public, {}},
        {"GET", "/map", Access::Public, {}},
        {"GET", "/favorites", Access::Public, {}},
        {"GET", "/account", Access::Public, {}},
        {"GET", "/admin", Access::Public, {}},
        {"GET", "/admin/users", Access::Public, {}},
        {"GET", "/admin/jobs", Access::Public, {}},
        {"GET", "/archive", Access::Public, {}},
        {"GET", "/tags", Access::Public, {}},
        {"GET", "/sharing", Access::Public, {}},
        {"GET", "/sharing/groups", Access::Public, {}},
        {"GET", "/duplicates", Access::Public, {}},
        {"GET", "/reset-password", Access::Public, {}},
        {"GET", "/assets/{file}", Access::Public, {}},
        {"GET", "/favicon.svg", Access::Public, {}},
        // Albums (Immich).
        {"GET", "/api/albums", Access::Self, kOk},
        {"POST", "/api/albums", Access::Self, {{201}}, {}, R"({"albumName":"matrix","assetIds":["{asset}"]})"},
        // One album: members see it; editors add and remove their own assets (A's asset in the body: a per-id
        // refusal inside a 200, nothing changes); only the owner renames, deletes, shares and changes roles.
        sharing(Share::AlbumRead, {"GET", "/api/albums/{id}", Access::Owner, kOk}),
        sharing(Share::AlbumManage,
                {"PATCH", "/api/albums/{id}", Access::Owner, kOk, {}, R"({"albumName":"renamed"})"}),
        sharing(Share::AlbumManage, {"DELETE", "/api/albums/{id}", Access::Owner, kNoContent}),
        sharing(Share::AlbumContribute,
                {"PUT", "/api/albums/{id}/assets", Access::Owner, kOk, {}, R"({"ids":["{asset}"]})"}),
        sharing(Share::AlbumContribute,
                {"DELETE", "/api/albums/{id}/assets", Access::Owner, kOk, {}, R"({"ids":["{asset}"]})"}),
        sharing(Share::AlbumManage, {"PUT", "/api/albums/{id}/users", Access::Owner, kBadBody, {}, "{}"}),
        sharing(Share::AlbumManage, {"PUT", "/api/albums/{id}/groups", Access::Owner, kBadBody, {}, "{}"}),
        sharing(Share::AlbumManage, {"PATCH", "/api/albums/{id}/user/{userId}", Access::Owner, kBadBody, {}, "{}"}),
        sharing(Share::AlbumLeave, {"DELETE", "/api/albums/{id}/user/{userId}", Access::Owner, kNoContent}),
        // Resumable uploads (tus): {id} is A's upload in progress. The matrix sends no Tus-Resumable, so whoever
        // gets past authentication and existence meets the version check: 412; strangers 404 first.
        {"OPTIONS", "/api/uploads", Access::Public, {}},
        {"POST", "/api/uploads", Access::Self, {{412}}},
        {"HEAD", "/api/uploads/{id}", Access::Owner, {{412}}},
        {"PATCH", "/api/uploads/{id}", Access::Owner, {{412}}},
        {"DELETE", "/api/uploads/{id}", Access::Owner, {{412}}},
        {"GET", "/api/uploads/{id}", Access::Owner, kOk},
        // Partners (Immich). {id} is a random id here: no such user or partnership, so 404 for everyone signed in
        // (the partner caller kinds: tests/integration/images/partner_access_test.cpp until the matrix has them).
        // The listing without ?direction= proves the caller got past authentication by reaching the parameter check.
        {"GET", "/api/partners", Access::Self, kBadBody},
        {"POST", "/api/partners/{id}", Access::Self, kNotFound},
        {"PUT", "/api/partners/{id}", Access::Self, kNotFound, {}, R"({"inTimeline":true})"},
        {"DELETE", "/api/partners/{id}", Access::Self, kNotFound},
        // Groups: the caller's own collection; {id} is a random id here, nobody's group.
        {"GET", "/api/groups", Access::Self, kOk},
        {"POST", "/api/groups", Access::Self, {{201}}, {}, R"({"name":"matrix"})"},
        {"GET", "/api/groups/{id}", Access::Owner, kNotFound},
        {"PATCH", "/api/groups/{id}", Access::Owner, kNotFound, {}, "{}"},
        {"DELETE", "/api/groups/{id}", Access::Owner, kNotFound},
        {"PUT", "/api/groups/{id}/members", Access::Owner, kNotFound, {}, "{}"},
        // Share links: the owner's side, then the public side.
        {"GET", "/api/shared-links", Access::Self, kOk},
        // Another user's asset cannot be shared: 404 for anyone but its owner, and for the owner once trashed.
        {"POST", "/api/shared-links", Access::Owner, {{201}}, kNotFound, R"({"assetIds":["{asset}"]})"},
        {"DELETE", "/api/shared-links/{id}", Access::Owner, kNoContent},
        {"GET", "/api/shared/{key}", Access::Link, kOk},
        {"POST", "/api/shared/{key}/unlock", Access::Link, kNoContent, {}, R"({"password":"{password}"})"},
        {"GET", "/api/shared/{key}/assets/{id}/thumbnail", Access::Link, kNotReady, kNotFound},
        {"GET", "/api/shared/{key}/assets/{id}/original", Access::Link, kOk, kNotFound},
        {"GET", "/api/shared/{key}/assets/{id}/video", Access::Link, kNotReady, kNotFound},
    };
    return kPolicies;
}

}  // namespace obscura::test
