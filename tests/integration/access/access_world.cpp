#include "access_world.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "app_fixture.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::test {

namespace {

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

std::string withoutDashes(std::string text) {
    std::erase(text, '-');
    return text;
}

void expectStatus(const HttpResponse& r, int status, const char* what) {
    INFO(what << ": " << r.body);
    REQUIRE(r.status == status);
}

}  // namespace

const char* name(Caller c) {
    switch (c) {
        case Caller::Anonymous:
            return "anonymous";
        case Caller::UserA:
            return "user A (owner)";
        case Caller::UserB:
            return "user B (stranger)";
        case Caller::Admin:
            return "admin";
        case Caller::ApiKeyA:
            return "A's API key";
        case Caller::Editor:
            return "album editor";
        case Caller::Viewer:
            return "album viewer";
        case Caller::GroupMember:
            return "group member (album viewer)";
        case Caller::ExMember:
            return "former album member";
        case Caller::Partner:
            return "partner";
        case Caller::PartnerHidden:
            return "partner with A out of the timeline";
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
    switch (c) {
        case Caller::Anonymous:
        case Caller::LinkOpen:
        case Caller::LinkUnlocked:
        case Caller::LinkLocked:
        case Caller::LinkExpired:
        case Caller::LinkRevoked:
            return false;
        default:
            return true;
    }
}

bool owns(Caller c) { return c == Caller::UserA || c == Caller::ApiKeyA; }

std::optional<AlbumRole> albumRoleOf(Caller c) {
    if (c == Caller::Editor) return AlbumRole::Editor;
    if (c == Caller::Viewer || c == Caller::GroupMember) return AlbumRole::Viewer;
    return std::nullopt;
}

bool seesAsset(Caller c, State s) {
    if (c == Caller::Partner || c == Caller::PartnerHidden) return s == State::Normal;
    if (albumRoleOf(c)) return s != State::Trashed;
    return false;
}

World::World(AppFixture& fixture, HttpClient& client) : fx(fixture), http(client) {
    admin = firstAccount(http, "admin");
    alice = anotherAccount(http, admin, "alice");
    bob = anotherAccount(http, admin, "bob");
    editor = anotherAccount(http, admin, "eddie");
    viewer = anotherAccount(http, admin, "vera");
    groupMember = anotherAccount(http, admin, "gus");
    exMember = anotherAccount(http, admin, "xena");
    partner = anotherAccount(http, admin, "pat");
    partnerHidden = anotherAccount(http, admin, "hank");
    aliceKey = createApiKey(http, alice.access, "matrix")["secret"].get<std::string>();

    auto group = postJson(http, "/api/groups", {{"name", "matrix family"}}, alice.auth());
    expectStatus(group, 201, "A makes a group");
    groupId = bodyOf(group)["id"].get<std::string>();
    expectStatus(
        sendJson(http, "PUT", "/api/groups/" + groupId + "/members", {{"userIds", {groupMember.id}}}, alice.auth()),
        200, "A puts gus in the group");
    for (const Account* p : {&partner, &partnerHidden})
        expectStatus(postJson(http, "/api/partners/" + p->id, nlohmann::json::object(), alice.auth()), 201,
                     "A shares the library with a partner");
    expectStatus(sendJson(http, "PUT", "/api/partners/" + alice.id, {{"inTimeline", true}}, partner.auth()), 200,
                 "pat shows A in the timeline");
    expectStatus(sendJson(http, "PUT", "/api/partners/" + alice.id, {{"inTimeline", false}}, partnerHidden.auth()), 200,
                 "hank keeps A out of the timeline");

    // The locked links' password hash, made once by the server itself.
    auto seed = make(State::Normal);
    auto made =
        postJson(http, "/api/shared-links", {{"albumId", seed.album.id}, {"password", kLinkPassword}}, alice.auth());
    expectStatus(made, 201, "A makes a link with a password");
    auto status = storage().run([&](storage::Repositories& r) -> Status {
        OBSCURA_TRY(found, r.sharedLinks().findSharedLinkByKeyHash(sha256Hex(bodyOf(made)["key"].get<std::string>())));
        REQUIRE(found.has_value());
        passwordHash = *found->passwordHash;
        return {};
    });
    REQUIRE(status.ok());
}

storage::Storage& World::storage() { return fx.app().storage(); }

storage::SharedLinkRecord World::link(const std::string& albumId, bool password,
                                      std::optional<std::int64_t> expiresAtUs) {
    storage::SharedLinkRecord l;
    l.id = newUuid();
    l.ownerId = alice.id;
    l.key = "k" + withoutDashes(newUuid());
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

// Through the API, as a family would: members with roles, the group, and a member removed again.
void World::share(const Objects& o) {
    const std::string album = "/api/albums/" + o.album.id;
    nlohmann::json users = nlohmann::json::array({{{"userId", editor.id}, {"role", "editor"}},
                                                  {{"userId", viewer.id}, {"role", "viewer"}},
                                                  {{"userId", exMember.id}, {"role", "viewer"}}});
    expectStatus(sendJson(http, "PUT", album + "/users", {{"albumUsers", users}}, alice.auth()), 200,
                 "A shares the album");
    nlohmann::json groups = nlohmann::json::array({{{"groupId", groupId}, {"role", "viewer"}}});
    expectStatus(sendJson(http, "PUT", album + "/groups", {{"albumGroups", groups}}, alice.auth()), 200,
                 "A shares the album with the group");
    auto removed = http.request("DELETE", album + "/user/" + exMember.id, alice.auth());
    INFO("A removes xena: " << removed.body);
    REQUIRE(removed.status / 100 == 2);
}

Objects World::make(State state) {
    Objects o;
    o.asset = insertAsset(fx.app(), alice.id, kJuly2021Us, [&](storage::AssetRecord& a) {
        a.type = "video";
        a.mimeType = "video/mp4";
        a.durationSeconds = 2.0;
        const auto dot = a.storagePath.rfind(".jpg");
        if (dot != std::string::npos) a.storagePath.replace(dot, 4, ".mp4");
        a.isArchived = state == State::Archived;
    });
    writeAssetFiles(fx.app(), o.asset);
    o.album.id = newUuid();
    o.album.ownerId = alice.id;
    o.album.name = "Matrix";
    o.album.createdAt = o.album.updatedAt = "2024-05-01T12:00:00Z";
    o.album.createdAtUs = 1;
    auto done = storage().transaction([&](storage::Repositories& r) -> Status {
        OBSCURA_TRY_STATUS(r.albums().createAlbum(o.album));
        OBSCURA_TRY_STATUS(r.albums().addAlbumAssets(alice.id, o.album.id, {o.asset.id}, 1, "t"));
        return {};
    });
    REQUIRE(done.ok());
    share(o);
    if (state == State::Trashed) {
        auto trashed = storage().run([&](storage::Repositories& r) -> Status {
            OBSCURA_TRY(write, r.images().trashAsset(alice.id, o.asset.id, "2024-05-02T00:00:00Z", 2));
            (void)write;
            return {};
        });
        REQUIRE(trashed.ok());
        o.asset.isTrashed = true;
    }
    o.upload.id = newUuid();
    o.upload.ownerId = alice.id;
    o.upload.objectKey = "direct-uploads/" + alice.id + "/" + o.upload.id;
    o.upload.fileName = "matrix.mp4";
    o.upload.sizeBytes = 1000;
    o.upload.createdAtUs = fx.app().jobs().clock().nowUs();
    o.upload.expiresAtUs = o.upload.createdAtUs + 3600LL * 1000000;
    REQUIRE(
        storage().run([&](storage::Repositories& r) { return r.directUploads().createDirectUpload(o.upload); }).ok());
    o.resumable.id = newUuid();
    o.resumable.ownerId = alice.id;
    o.resumable.length = 1000;
    o.resumable.metadataJson = "{}";
    o.resumable.createdAt = "2024-05-01T12:00:00Z";
    o.resumable.expiresAtUs = std::chrono::duration_cast<std::chrono::microseconds>(
                                  (std::chrono::system_clock::now() + std::chrono::hours(1)).time_since_epoch())
                                  .count();
    REQUIRE(storage().run([&](storage::Repositories& r) { return r.uploads().createUpload(o.resumable); }).ok());
    std::filesystem::create_directories(fx.dataDir() + "/uploads");
    std::ofstream(fx.dataDir() + "/uploads/" + o.resumable.id + ".part").flush();
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

std::string World::untouched(const Objects& o) {
    std::string problem;
    auto status = storage().run([&](storage::Repositories& r) -> Status {
        OBSCURA_TRY(asset, r.images().findAsset(alice.id, o.asset.id));
        if (!asset)
            problem = "A's asset is gone";
        else if (asset->isTrashed != o.asset.isTrashed || asset->isArchived != o.asset.isArchived ||
                 asset->title != o.asset.title || asset->isFavorite != o.asset.isFavorite)
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
        OBSCURA_TRY(upload, r.uploads().findUpload(alice.id, o.resumable.id));
        if (!upload)
            problem = "A's upload is gone";
        else if (upload->offset != 0 || !upload->writer.empty())
            problem = "A's upload changed";
        return {};
    });
    return status ? problem : status.error().message;
}

HeaderList World::headersOf(Caller c) const {
    switch (c) {
        case Caller::UserA:
            return alice.auth();
        case Caller::UserB:
            return bob.auth();
        case Caller::Admin:
            return admin.auth();
        case Caller::ApiKeyA:
            return {{"x-api-key", aliceKey}};
        case Caller::Editor:
            return editor.auth();
        case Caller::Viewer:
            return viewer.auth();
        case Caller::GroupMember:
            return groupMember.auth();
        case Caller::ExMember:
            return exMember.auth();
        case Caller::Partner:
            return partner.auth();
        case Caller::PartnerHidden:
            return partnerHidden.auth();
        default:
            return {};
    }
}

}  // namespace obscura::test
