#pragma once
// Shared by the album-sharing repository's source files: roles as stored ('viewer' | 'editor') and as compared
// in SQL (1 | 2, so MAX() picks the strongest), and the user summary columns.
#include <string>
#include <string_view>

#include "obscura/storage/album_sharing_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

inline std::string roleValue(std::string_view column) {
    return "CASE " + std::string(column) + " WHEN 'editor' THEN 2 ELSE 1 END";
}

inline storage::AlbumRole roleOfValue(std::int64_t value) {
    if (value >= 2) return storage::AlbumRole::Editor;
    if (value == 1) return storage::AlbumRole::Viewer;
    return storage::AlbumRole::None;
}

inline const char* roleText(storage::AlbumRole role) {
    return role == storage::AlbumRole::Editor ? "editor" : "viewer";
}

inline storage::AlbumRole roleOfText(const std::string& text) {
    return text == "editor" ? storage::AlbumRole::Editor : storage::AlbumRole::Viewer;
}

// Columns of users AS u, in the order readUserSummary() reads them from `first` on.
inline constexpr std::string_view kUserSummaryColumns = "u.id, u.username, u.display_name";

inline storage::UserSummary readUserSummary(const Rows& row, int first) {
    return {row.text(first), row.text(first + 1), row.text(first + 2)};
}

}  // namespace obscura::sql
