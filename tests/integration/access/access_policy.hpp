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
    // The request body; {asset}, {album}, {checksum} are replaced by the cell's objects of user A.
    const char* body = "";
    // A response that never ends (Server-Sent Events): only its status line and headers are read.
    bool stream = false;
};

const std::vector<RoutePolicy>& accessPolicies();

}  // namespace obscura::test
