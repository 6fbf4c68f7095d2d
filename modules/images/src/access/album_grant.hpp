#pragma once
// What a caller may do with one album (DESIGN.md section 7): AccessService::album() answers the album and the
// caller's role on it, or nothing when they cannot see it (the route answers 404, as for a missing id). The
// role then decides: viewers see the album and its assets, editors also add their own assets and remove what
// they added, and only the owner renames, deletes, shares, changes roles, sets the cover or the parent.
#include "obscura/base/expected.hpp"
#include "obscura/storage/album_records.hpp"
#include "obscura/storage/album_sharing_repository.hpp"

namespace obscura::images {

struct AlbumGrant {
    storage::AlbumView album;
    storage::AlbumRole role = storage::AlbumRole::Viewer;  // Owner, Editor or Viewer; never None
};

// Ok, or 403 forbidden naming what only the owner (or an editor) may do.
inline Status requireOwner(const AlbumGrant& grant, const char* what) {
    if (grant.role == storage::AlbumRole::Owner) return {};
    return Error(ErrorCode::Forbidden, std::string("only the album's owner may ") + what);
}

inline Status requireEditor(const AlbumGrant& grant) {
    if (grant.role >= storage::AlbumRole::Editor) return {};
    return Error(ErrorCode::Forbidden, "a viewer of this album may not change its assets");
}

// "owner" | "editor" | "viewer" (the album object's myRole, albumUsers[].role); and back, nullopt for anything
// else ("owner" is not a role one can be given).
const char* roleName(storage::AlbumRole role);
std::optional<storage::AlbumRole> memberRoleNamed(const std::string& name);

}  // namespace obscura::images
