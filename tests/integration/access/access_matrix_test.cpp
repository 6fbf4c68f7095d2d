// The access matrix, generated from the router's route table: every route × method × caller × asset state is
// called for real and its answer checked against the policy table (access_policy.cpp). A route without a
// policy entry fails, and so does an entry whose route is gone. Callers: anonymous, user A (who owns the
// objects), user B, an admin, A's API key, and five holders of A's share links (a link without password, a
// link with a password presented with and without it, an expired link, a revoked one). After every call by
// anyone but A, A's objects are checked to be exactly as they were, and a 2xx answer to B or the admin must
// not mention them.
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <iostream>
#include <map>
#include <set>

#include "access_policy.hpp"
#include "app_fixture.hpp"
#include "images_api.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;
using namespace obscura::test;

namespace {

constexpr const char* kLinkPassword = "matrix link password";

enum class Caller {
    Anonymous,
    UserA,
    UserB,
    Admin,
    ApiKeyA,
    LinkOpen,
    LinkUnlocked,
    LinkLocked,
    LinkExpired,
    LinkRevoked
};
// A's own calls come last: some act on all of A's objects (emptying the trash), which would otherwise change
// the objects the other callers' cells share before they are checked.
constexpr Caller kCallers[] = {Caller::Anonymous,    Caller::UserB,      Caller::Admin,       Caller::LinkOpen,
                               Caller::LinkUnlocked, Caller::LinkLocked, Caller::LinkExpired, Caller::LinkRevoked,
                               Caller::UserA,        Caller::ApiKeyA};
enum class State { Normal, Archived, Trashed };
constexpr State kStates[] = {State::Normal, State::Archived, State::Trashed};

const char* name(Caller c) {
    switch (c) {
        case Caller::Anonymous:
            return "anonymous";
        case Caller::UserA:
            return "user A (owner)";
        case Caller::UserB:
            return "user B";
        case Caller::Admin:
            return "admin";
        case Caller::ApiKeyA:
            return "A's API key";
        case Caller::LinkOpen:
            return "share link";
        case Caller::LinkUnlocked:
            return "share link with its password";
        case Caller::LinkLocked:
            return "share link without its password";
        case Caller::LinkExpired:
            return "expired share link";
        case Caller::LinkRevoked:
            return "revoked share link";
    }
    return "?";
}
const char* name(State s) { return s == State::Normal ? "normal" : s == State::Archived ? "archived" : "trashed"; }
bool signedIn(Caller c) {
    return c == Caller::UserA || c == Caller::UserB || c == Caller::Admin || c == Caller::ApiKeyA;
}
bool owns(Caller c) { return c == Caller::UserA || c == Caller::ApiKeyA; }

std::string sha256Hex(const std::string& text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < length; ++i) {
        hex.push_back(kDigits[digest[i] >> 4]);
        hex.push_back(kDigits[digest[i] & 0xf]);
    }
    return hex;
}

std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// A's objects for one cell: a video asset in the given state with its original on disk, an album holding it, and
// share links to that album.
struct Objects {
    storage::AssetRecord asset;
    storage::AlbumRecord album;
    storage::SharedLinkRecord open, locked, expired, revoked;
};

struct World {
    AppFixture& fx;
    Account admin, alice, bob;
    std::string aliceKey;
    std::string passwordHash;  // of kLinkPassword, made by the server's own hasher
    storage::Storage& storage() { return fx.app().storage(); }

    storage::SharedLinkRecord link(const std::string& albumId, bool password, std::optional<std::int64_t> expiresAtUs) {
        storage::SharedLinkRecord l;
        l.id = newUuid();
        l.ownerId = alice.id;
        l.key = "k" + replaceAll(newUuid(), "-", "");
        l.keyHash = sha256Hex(l.key);
        l.albumId = albumId;
        if (password) l.passwordHash = passwordHash;
        if (expiresAtUs) {
            l.expiresAt = "2001-01-01T00:00:00Z";
            l.expiresAtUs = expiresAtUs;
        }
        l.createdAt = "2024-05-01T12:00:00Z";
        l.createdAtUs = 1714564800LL * 1000000;
        auto created = storage().run([&](storage::Repositories& r) { return r.sharedLinks().createSharedLink(l); });
        REQUIRE(created.ok());
        return l;
    }

    Objects make(State state) {
        Objects o;
        o.asset = insertAsset(fx.app(), alice.id, kJuly2021Us, [&](storage::AssetRecord& a) {
            a.type = "video";
            a.mimeType = "video/mp4";
            a.durationSeconds = 2.0;
            a.storagePath = replaceAll(a.storagePath, ".jpg", ".mp4");
            a.isArchived = state == State::Archived;
        });
        writeAssetFiles(fx.dataDir(), o.asset);
        o.album.id = newUuid();
        o.album.ownerId = alice.id;
        o.album.name = "Matrix";
        o.album.createdAt = o.album.updatedAt = "2024-05-01T12:00:00Z";
        o.album.createdAtUs = 1;
        auto done = storage().transaction([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY_STATUS(r.albums().createAlbum(o.album));
            OBSCURA_TRY_STATUS(r.albums().addAlbumAssets(alice.id, o.album.id, {o.asset.id}, 1, "t"));
            if (state == State::Trashed)
                OBSCURA_TRY_STATUS(r.images().trashAsset(alice.id, o.asset.id, "2024-05-02T00:00:00Z", 2));
            return {};
        });
        REQUIRE(done.ok());
        if (state == State::Trashed) {
            o.asset.isTrashed = true;
        }
        o.open = link(o.album.id, false, std::nullopt);
        o.locked = link(o.album.id, true, std::nullopt);
        o.expired = link(o.album.id, false, 978307200LL * 1000000);
        o.revoked = link(o.album.id, false, std::nullopt);
        auto revoked = storage().run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(gone, r.sharedLinks().deleteSharedLink(alice.id, o.revoked.id));
            if (!gone) return internalError("revoking failed");
            return {};
        });
        REQUIRE(revoked.ok());
        return o;
    }

    // A's objects are exactly as made (nobody but A may have changed them).
    std::string untouched(const Objects& o) {
        std::string problem;
        auto status = storage().run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(asset, r.images().findAsset(alice.id, o.asset.id));
            if (!asset)
                problem = "A's asset is gone";
            else if (asset->isTrashed != o.asset.isTrashed || asset->isArchived != o.asset.isArchived ||
                     asset->title != o.asset.title)
                problem = "A's asset changed";
            OBSCURA_TRY(album, r.albums().findAlbum(alice.id, o.album.id));
            if (!album)
                problem = "A's album is gone";
            else if (album->album.name != o.album.name)
                problem = "A's album changed";
            OBSCURA_TRY(inside, r.albums().albumHasAsset(alice.id, o.album.id, o.asset.id));
            if (!inside) problem = "A's asset left A's album";
            OBSCURA_TRY(link, r.sharedLinks().findSharedLinkByKeyHash(o.open.keyHash));
            if (!link) problem = "A's share link is gone";
            return {};
        });
        return status ? problem : status.error().message;
    }
};

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
        World world{fx, {}, {}, {}, {}, {}};
        world.admin = firstAccount(http, "admin");
        world.alice = anotherAccount(http, world.admin, "alice");
        world.bob = anotherAccount(http, world.admin, "bob");
        world.aliceKey = createApiKey(http, world.alice.access, "matrix")["secret"].get<std::string>();
        {
            // The locked links' password hash, made once by the server itself.
            auto seed = world.make(State::Normal);
            auto made = postJson(http, "/api/shared-links", {{"albumId", seed.album.id}, {"password", kLinkPassword}},
                                 world.alice.auth());
            REQUIRE(made.status == 201);
            auto status = world.storage().run([&](storage::Repositories& r) -> Status {
                OBSCURA_TRY(found,
                            r.sharedLinks().findSharedLinkByKeyHash(sha256Hex(bodyOf(made)["key"].get<std::string>())));
                REQUIRE(found.has_value());
                world.passwordHash = *found->passwordHash;
                return {};
            });
            REQUIRE(status.ok());
        }

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
                                                                       : newUuid();
                    const std::string linkKey = caller == Caller::LinkOpen ? objects.open.key
                                                : caller == Caller::LinkUnlocked || caller == Caller::LinkLocked
                                                    ? objects.locked.key
                                                : caller == Caller::LinkExpired ? objects.expired.key
                                                : caller == Caller::LinkRevoked ? objects.revoked.key
                                                                                : "k" + replaceAll(newUuid(), "-", "");
                    path = replaceAll(replaceAll(path, "{id}", idTarget), "{key}", linkKey);
                    path = replaceAll(path, "{format}", "mp3");
                    path = replaceAll(path, "{userId}", newUuid());  // nobody's album membership
                    if (policy.pattern == std::string("/api/search")) path += "?q=img";
                    std::string body =
                        replaceAll(replaceAll(policy.body, "{asset}", objects.asset.id), "{album}", objects.album.id);
                    body = replaceAll(body, "{checksum}", objects.asset.checksum);
                    body = replaceAll(body, "{password}",
                                      caller == Caller::LinkUnlocked ? kLinkPassword : "not the password");

                    HeaderList headers;
                    if (caller == Caller::UserA) headers = world.alice.auth();
                    if (caller == Caller::UserB) headers = world.bob.auth();
                    if (caller == Caller::Admin) headers = world.admin.auth();
                    if (caller == Caller::ApiKeyA) headers = {{"x-api-key", world.aliceKey}};
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
                                       : signedIn(caller) ? Outcomes{{404, "not_found"}}
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
                    std::string problem;
                    if (!matches(expected, response))
                        problem = "answered " + std::to_string(response.status) + " " + errorCode(response) +
                                  ", expected " + describe(expected);
                    if (problem.empty() && !owns(caller)) problem = world.untouched(objects);
                    if (problem.empty() && (caller == Caller::UserB || caller == Caller::Admin) &&
                        response.status < 300 &&
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
