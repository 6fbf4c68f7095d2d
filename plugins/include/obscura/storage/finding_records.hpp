#pragma once
// Records of "finding photos again" (DESIGN.md section 11): map markers and on-this-day memories. Plain data.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace obscura::storage {

// Which assets GET /api/map/markers shows: the owner's live assets with a position, and (partnerIds) the live,
// unarchived ones of partners the caller checked.
struct MarkerFilter {
    std::string ownerId;
    std::vector<std::string> partnerIds;
    std::optional<std::int64_t> fromUs;  // takenAtUs >= fromUs
    std::optional<std::int64_t> toUs;    // takenAtUs < toUs
    std::optional<bool> favorite;        // the owner's own only (partners' favourites are theirs)
    bool withArchived = false;           // the owner's archived assets too
};

// Markers laid out for rendering 100,000 of them without an allocation per row: every id is a slice of one
// text buffer. Order: by owner (the caller's first), then as the index gives them.
struct MapMarkers {
    struct Marker {
        std::uint32_t idOffset = 0;
        std::uint32_t idSize = 0;
        double latitude = 0;
        double longitude = 0;
    };
    std::string idText;
    std::vector<Marker> markers;
    std::string_view id(const Marker& m) const { return std::string_view(idText).substr(m.idOffset, m.idSize); }
};

// GET /api/memories: the owner's live, unarchived assets taken on one of monthDays ("MM-DD", in the asset's own
// local calendar: the takenAt text as written) in a local year before beforeYear ("YYYY").
struct MemoryQuery {
    std::string ownerId;
    std::vector<std::string> monthDays;
    std::string beforeYear;
    int limit = 500;
};

}  // namespace obscura::storage
