#pragma once
// Where the images module keeps bytes (DESIGN.md section 4). Paths are made from ids, dates and our own
// extension table only: a client's file name never reaches one.
//   <dataDir>/library/<user-id>/<yyyy>/<mm>/<asset-id>.<ext>   originals
//   <dataDir>/derived/<user-id>/<asset-id>/<kind>.<ext>          derivatives (written by the media module)
//   <dataDir>/tmp/ (SQLite) or <dataDir>/tmp/<instance-id>/      writes in progress
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/images/media_types.hpp"

namespace obscura::images {

inline constexpr const char* kLibraryDir = "library";
inline constexpr const char* kDerivedDir = "derived";
inline constexpr const char* kTmpDir = "tmp";
inline constexpr const char* kLostFoundDir = "lost+found";

// An orphan (or another instance's temp folder) younger than this may still be someone's write in flight.
inline constexpr std::chrono::hours kSettleTime{1};

// "library/<owner>/<yyyy>/<mm>/<asset-id><ext>", relative to the data dir. The year and month are those of
// takenAt as written (the photo's own calendar, like the timeline); takenAt must be RFC 3339.
std::string libraryPath(const std::string& ownerId, const std::string& assetId, std::string_view takenAt,
                        const MediaType& type);

// "derived/<owner>/<asset-id>/<kind><ext>" for the derivatives the asset object reports: thumbnail (.webp),
// preview (.jpg), video (.mp4). Empty for another kind.
std::string derivedPath(const std::string& ownerId, const std::string& assetId, std::string_view kind);
// The Content-Type a derivative is served with ("" for an unknown kind).
std::string_view derivedMimeType(std::string_view kind);

// The temp area uploads write to: <dataDir>/tmp with a database only this process uses (SQLite), else
// <dataDir>/tmp/<instance-id>, so that a replica's start-up never removes another replica's upload.
std::string uploadTmpDir(const std::string& dataDir, bool exclusiveDatabase, const std::string& instanceId);

// Shared database: creates tmp/<instance-id>/ and removes the folders of other instances under tmp/ that
// nothing has touched (the folder and every entry in it) for `settle`. Answers how many folders went.
Expected<int> prepareInstanceTmp(const std::string& dataDir, const std::string& instanceId,
                                 std::chrono::seconds settle = kSettleTime);

}  // namespace obscura::images
