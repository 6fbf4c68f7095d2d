// The access matrix, generated from the router's route table: every route × method × caller × asset state is
// called for real and its answer checked against the policy table (access_policy.cpp). A route without a
// policy entry fails, and so does an entry whose route is gone. Callers (access_world.hpp): anonymous, user A
// (who owns the objects), a stranger, an admin, A's API key, the editor, the viewer, a group member and a
// former member of A's album, two partners of A (one showing A in their timeline, one not), and five holders
// of A's share links (a link without password, a link with a password presented with and without it, an
// expired link, a revoked one). After every call by anyone but A, A's objects are checked to be exactly as they
// were, and a 2xx answer to a stranger, the admin or the former member must not mention them.
#include <doctest/doctest.h>

#include <iostream>
#include <map>
#include <set>

#include "access_policy.hpp"
#include "access_world.hpp"
#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/router.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// What a signed-in caller who is not A gets on an Owner route: the AccessService's rules, written again here
// from DESIGN.md section 7 so that the matrix checks the server rather than repeating it.
Outcomes sharerOutcome(const RoutePolicy& policy, Caller caller, State state, const Outcomes& allowed) {
    const Outcomes hidden = {{404, "not_found"}};
    const Outcomes forbidden = {{403, "forbidden"}};
    const auto role = albumRoleOf(caller);
    switch (policy.share) {
        case Share::Private:
            return hidden;
        case Share::AssetRead:
            return seesAsset(caller, state) ? allowed : hidden;
        case Share::AssetWrite:
            return seesAsset(caller, state) ? forbidden : hidden;
        case Share::AlbumRead:
            return role ? allowed : hidden;
        case Share::AlbumContribute:
            if (!role) return hidden;
            if (*role == AlbumRole::Viewer) return forbidden;
            return policy.contributed.empty() ? allowed : policy.contributed;
        case Share::AlbumManage:
            return role ? forbidden : hidden;
        case Share::AlbumLeave:
            if (!role) return hidden;
            return caller == Caller::Viewer ? allowed : forbidden;
    }
    return hidden;
}

// Callers who may not learn that A's objects exist: a 2xx answer to them must not mention them.
bool stranger(Caller c) { return c == Caller::UserB || c == Caller::Admin || c == Caller::ExMember; }

bool matches(const Outcomes& outcomes, const HttpResponse& r) {
    for (const auto& o : outcomes)
        if (o.status == r.status && (o.code == nullptr || errorCode(r) == o.code)) return true;
    return false;
}

std::string describe(const Outcomes& outcomes) {
    std::string out;
    for (const auto& o : outcomes)
        out += (out.empty() ? "" : " or ") + std::to_string(o.status) + (o.code ? std::string(" ") + o.code : "");
    return out;
}

}  // namespace

namespace {

// The status and headers of a GET whose body never ends (SSE); the connection is dropped after them.
HttpResponse streamHead(int port, const std::string& path, const HeaderList& headers) {
    RawConnection c(port);
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: matrix\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    c.send(request + "\r\n");
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (got.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < deadline)
        got += c.readAvailable(std::chrono::milliseconds(100));
    HttpResponse r;
    if (got.rfind("HTTP/1.1 ", 0) == 0) r.status = std::stoi(got.substr(9, 3));
    // An error answer is a whole response with a JSON body: keep it, so its code can be checked.
    const auto end = got.find("\r\n\r\n");
    if (r.status != 200 && end != std::string::npos) {
        got += c.readAvailable(std::chrono::milliseconds(200));
        r.body = got.substr(end + 4);
        const auto chunk = r.body.find("\r\n");
        if (!r.body.empty() && r.body[0] != '{' && chunk != std::string::npos) r.body = r.body.substr(chunk + 2);
    }
    return r;
}

}  // namespace

TEST_SUITE("access.matrix") {
    TEST_CASE("every route answers every caller and asset state as its policy says") {
        AppFixture fx(fastAuth());
        HttpClient http(fx.port());
        World world(fx, http);

        std::map<std::string, const RoutePolicy*> policies;
        for (const auto& p : accessPolicies()) policies[std::string(p.method) + " " + p.pattern] = &p;
        std::set<std::string> seen;
        std::size_t cells = 0;
        std::size_t failures = 0;
        for (const Route* route : fx.app().router().routes()) {
            const std::string key = std::string(methodName(route->method)) + " " + route->pattern;
            seen.insert(key);
            auto found = policies.find(key);
            if (found == policies.end()) {
                FAIL_CHECK((std::string("no access policy for ") + key +
                            ": add it to tests/integration/access/access_policy.cpp"));
                ++failures;
                continue;
            }
            const RoutePolicy& policy = *found->second;
            for (State state : kStates) {
                std::optional<Objects> shared;  // callers that may not change A's objects share one set
                std::optional<std::string> publicStatus;
                for (Caller caller : kCallers) {
                    Objects objects =
                        owns(caller) ? world.make(state) : (shared ? *shared : *(shared = world.make(state)));
                    std::string path = policy.pattern;
                    const std::string idTarget =
                        path.rfind("/api/assets/{id}", 0) == 0 || path.find("/assets/{id}/") != std::string::npos
                            ? objects.asset.id
                        : path.rfind("/api/albums/{id}", 0) == 0       ? objects.album.id
                        : path.rfind("/api/shared-links/{id}", 0) == 0 ? objects.open.id
                        : path.rfind("/api/uploads/{id}", 0) == 0      ? objects.resumable.id
                                                                       : newUuid();
                    const std::string linkKey = caller == Caller::LinkOpen ? objects.open.key
                                                : caller == Caller::LinkUnlocked || caller == Caller::LinkLocked
                                                    ? objects.locked.key
                                                : caller == Caller::LinkExpired ? objects.expired.key
                                                : caller == Caller::LinkRevoked ? objects.revoked.key
                                                                                : "k" + replaceAll(newUuid(), "-", "");
                    path = replaceAll(replaceAll(path, "{id}", idTarget), "{key}", linkKey);
                    path = replaceAll(path, "{userId}", world.pathUser().id);
                    path = replaceAll(path, "{format}", "mp3");
                    path = replaceAll(path, "{uploadId}", objects.upload.id);
                    if (policy.pattern == std::string("/api/search")) path += "?q=img";
                    std::string body =
                        replaceAll(replaceAll(policy.body, "{asset}", objects.asset.id), "{album}", objects.album.id);
                    body = replaceAll(body, "{checksum}", objects.asset.checksum);
                    body = replaceAll(body, "{user}", world.pathUser().id);
                    body = replaceAll(body, "{password}",
                                      caller == Caller::LinkUnlocked ? kLinkPassword : "not the password");

                    HeaderList headers = world.headersOf(caller);
                    if (caller == Caller::LinkUnlocked && policy.access == Access::Link &&
                        policy.pattern != std::string("/api/shared/{key}/unlock")) {
                        auto unlocked =
                            postJson(http, "/api/shared/" + linkKey + "/unlock", {{"password", kLinkPassword}});
                        REQUIRE(unlocked.status == 204);
                        auto cookie = unlocked.header("Set-Cookie").value_or("");
                        headers.push_back({"Cookie", cookie.substr(0, cookie.find(';'))});
                    }
                    if (!body.empty()) headers.push_back({"Content-Type", "application/json"});
                    auto response = policy.stream ? streamHead(fx.port(), path, headers)
                                                  : http.request(policy.method, path, headers, body);
                    ++cells;

                    const Outcomes& allowed = state == State::Trashed && !policy.allowedTrashed.empty()
                                                  ? policy.allowedTrashed
                                                  : policy.allowed;
                    Outcomes expected;
                    switch (policy.access) {
                        case Access::Public:
                            expected = {{publicStatus ? std::stoi(*publicStatus) : response.status}};
                            if (!publicStatus) publicStatus = std::to_string(response.status);
                            if (response.status == 401) expected = {{-1}};
                            break;
                        case Access::Self:
                            expected = signedIn(caller) ? allowed : Outcomes{{401}};
                            break;
                        case Access::Session:
                            expected = caller == Caller::ApiKeyA ? Outcomes{{403, "session_required"}}
                                       : signedIn(caller)        ? allowed
                                                                 : Outcomes{{401}};
                            break;
                        case Access::Owner:
                            expected = owns(caller)       ? allowed
                                       : signedIn(caller) ? sharerOutcome(policy, caller, state, allowed)
                                                          : Outcomes{{401}};
                            break;
                        case Access::Admin:
                            expected = caller == Caller::Admin ? allowed
                                       : signedIn(caller)      ? Outcomes{{403}}
                                                               : Outcomes{{401}};
                            break;
                        case Access::Link:
                            expected = caller == Caller::LinkOpen || caller == Caller::LinkUnlocked ? allowed
                                       : caller == Caller::LinkLocked ? Outcomes{{401, "password_required"}}
                                                                      : Outcomes{{404, "not_found"}};
                            break;
                    }
                    // A HEAD answer has no body to carry an error code: its status alone decides.
                    if (std::string(policy.method) == "HEAD")
                        for (auto& outcome : expected) outcome.code = nullptr;
                    std::string problem;
                    if (!matches(expected, response))
                        problem = "answered " + std::to_string(response.status) + " " + errorCode(response) +
                                  ", expected " + describe(expected);
                    if (problem.empty() && !owns(caller)) problem = world.untouched(objects);
                    if (problem.empty() && stranger(caller) && response.status < 300 &&
                        (response.body.find(objects.asset.id) != std::string::npos ||
                         response.body.find(objects.album.id) != std::string::npos))
                        problem = "the answer mentions A's objects";
                    if (!problem.empty()) {
                        ++failures;
                        FAIL_CHECK((std::string(key) + " as " + name(caller) + ", asset " + name(state) + ": " +
                                    problem + " — " + response.body.substr(0, 300)));
                    }
                }
            }
        }
        for (const auto& [key, policy] : policies)
            if (!seen.count(key)) {
                ++failures;
                FAIL_CHECK((std::string("access policy for ") + key + " names no route: remove it"));
            }
        std::cout << "integration: access matrix: " << seen.size() << " routes x " << std::size(kCallers)
                  << " callers x " << std::size(kStates) << " asset states = " << cells << " cells checked, "
                  << failures << " failed" << std::endl;
        CHECK(failures == 0);
    }
}
