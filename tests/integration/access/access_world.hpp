#pragma once
// The access matrix's world: the callers and user A's objects that every cell is made of. A owns a video asset
// (live, archived or trashed), an album holding it and share links to that album; the album is shared with an
// editor, a viewer, a group whose member sees it as a viewer, and a former member who was removed again; A
// shares their library with two partners (one shows A in their timeline, one does not).
#include <optional>
#include <string>

#include "images_api.hpp"
#include "obscura/storage/album_records.hpp"
#include "obscura/storage/asset_records.hpp"
#include "obscura/storage/direct_uploads_repository.hpp"

namespace obscura::test {

class AppFixture;

enum class Caller {
    Anonymous,
    UserA,
    UserB,  // a stranger: signed in, no relation to A
    Admin,
    ApiKeyA,
    Editor,         // A's album: editor
    Viewer,         // A's album: viewer
    GroupMember,    // A's album through a group: viewer
    ExMember,       // was A's album's viewer, removed again
    Partner,        // A shares their library; A is in this partner's timeline
    PartnerHidden,  // A shares their library; the partner keeps A out of their timeline
    LinkOpen,
    LinkUnlocked,
    LinkLocked,
    LinkExpired,
    LinkRevoked
};

// A's own calls come last: some act on all of A's objects (emptying the trash), which would otherwise change
// the objects the other callers' cells share before they are checked.
inline constexpr Caller kCallers[] = {
    Caller::Anonymous,     Caller::UserB,       Caller::Admin,        Caller::Editor,
    Caller::Viewer,        Caller::GroupMember, Caller::ExMember,     Caller::Partner,
    Caller::PartnerHidden, Caller::LinkOpen,    Caller::LinkUnlocked, Caller::LinkLocked,
    Caller::LinkExpired,   Caller::LinkRevoked, Caller::UserA,        Caller::ApiKeyA};

enum class State { Normal, Archived, Trashed };
inline constexpr State kStates[] = {State::Normal, State::Archived, State::Trashed};

const char* name(Caller c);
const char* name(State s);
bool signedIn(Caller c);
bool owns(Caller c);

// The caller's role on A's album through sharing (nullopt: none).
enum class AlbumRole { Editor, Viewer };
std::optional<AlbumRole> albumRoleOf(Caller c);
// Whether sharing lets the caller see A's asset in this state: partners see live, unarchived assets; album
// members see the album's assets unless trashed (the trash is the owner's alone).
bool seesAsset(Caller c, State s);

// A's objects for one cell.
struct Objects {
    storage::AssetRecord asset;
    storage::AlbumRecord album;
    storage::SharedLinkRecord open, locked, expired, revoked;
    storage::DirectUploadRecord upload;  // a direct upload of A's whose bytes never came
    storage::UploadRecord resumable;     // A's resumable upload in progress (an empty spool file, offset 0)
};

inline constexpr const char* kLinkPassword = "matrix link password";

struct World {
    AppFixture& fx;
    HttpClient& http;
    Account admin, alice, bob, editor, viewer, groupMember, exMember, partner, partnerHidden;
    std::string aliceKey;
    std::string passwordHash;  // of kLinkPassword, made by the server's own hasher
    std::string groupId;       // A's group holding groupMember

    World(AppFixture& fixture, HttpClient& client);
    storage::Storage& storage();
    // A fresh set of A's objects in the given state, the album shared as the world says.
    Objects make(State state);
    // A's objects are exactly as made (nobody but A may have changed them); a description of what changed.
    std::string untouched(const Objects& o);
    HeaderList headersOf(Caller c) const;
    // Whose id a path's {userId} names: the album's viewer (the owner may remove them; the viewer may leave).
    const Account& pathUser() const { return viewer; }

private:
    storage::SharedLinkRecord link(const std::string& albumId, bool password, std::optional<std::int64_t> expiresAtUs);
    void share(const Objects& o);
};

}  // namespace obscura::test
