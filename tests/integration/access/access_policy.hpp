#pragma once
// The access policy of every route, kept as a table (access_policy.cpp) that the generated access matrix
// (access_matrix_test.cpp) checks the router's real route table against: every route × method × caller × asset
// state. A route the router has and the table lacks fails the matrix, so a new route cannot ship without
// someone writing down who may call it and what they get.
#include <string>
#include <vector>

namespace obscura::test {

// Who may call a route and what decides it.
enum class Access {
    Public,   // anyone: every caller gets the same answer, never 401
    Self,     // any signed-in caller, about their own account or their own collection (the path names no object)
    Session,  // like Self, but only with a signed-in session: an API key is 403 session_required
    Owner,    // a signed-in caller about one of their own objects named in the path: anyone else gets 404 not_found
    Admin,    // signed-in admins only: other signed-in callers 403
    Link,     // whoever holds a live share link's key (and its password, when it has one)
};

// What sharing gives on an Owner route (DESIGN.md section 7), mirroring the images module's AccessService: a
// caller who cannot see the object gets 404 not_found like a stranger; one who sees it but may not do this
// gets 403 forbidden; one who may gets what the owner gets.
enum class Share {
    Private,          // the owner's alone, shared or not (share links, conversions, jobs): sharers get 404
    AssetRead,        // view or download the asset: partners (live assets) and album members (not trashed)
    AssetWrite,       // change or trash the asset: the owner's marks; sharers who see it get 403
    AlbumRead,        // see the album: any member
    AlbumContribute,  // add or remove album contents: editors (RoutePolicy::contributed), viewers 403
    AlbumManage,      // rename, delete, share, change roles: the owner; members 403
    AlbumLeave,       // remove {userId} (the album's viewer) from the album: the owner, or that viewer leaving
};

// One acceptable answer: a status, and (when set) the error body's code.
struct Outcome {
    int status;
    const char* code = nullptr;
};
using Outcomes = std::vector<Outcome>;

struct RoutePolicy {
    const char* method;
    const char* pattern;
    Access access;
    // What the entitled caller gets (the owner, an admin, a link holder; anyone for Public: ignored there), for
    // an asset that is live or archived, and for one in the trash (empty: the same).
    Outcomes allowed;
    Outcomes allowedTrashed = {};
    // The request body; {asset}, {album}, {checksum} are replaced by the cell's objects of user A, {user} by the
    // album viewer's id.
    const char* body = "";
    // A response that never ends (Server-Sent Events): only its status line and headers are read.
    bool stream = false;
    // Owner routes: what the album's members and A's partners get.
    Share share = Share::Private;
    // Share::AlbumContribute: what an editor gets (empty: `allowed`).
    Outcomes contributed = {};
};

const std::vector<RoutePolicy>& accessPolicies();

}  // namespace obscura::test
