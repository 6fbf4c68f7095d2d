#pragma once
// Events about assets (DESIGN.md section 2). Declared here, in the module whose data they are about:
// media includes this header to subscribe to asset.* and to publish derivative.* and job.progressed;
// images never includes media. Each struct converts to and from JSON (events_json.cpp) so a broker plugin
// can carry it between replicas.
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace obscura::images {

struct AssetCreated {
    static constexpr std::string_view kName = "asset.created";
    std::string id;
    std::string ownerId;
    std::string type;      // "image" | "video"
    std::string mimeType;  // from our sniff, never the client's claim
};

struct AssetUpdated {
    static constexpr std::string_view kName = "asset.updated";
    std::string id;
    std::string ownerId;
};

struct AssetTrashed {
    static constexpr std::string_view kName = "asset.trashed";
    std::string id;
    std::string ownerId;
};

struct AssetRestored {
    static constexpr std::string_view kName = "asset.restored";
    std::string id;
    std::string ownerId;
};

struct AssetDeleted {
    static constexpr std::string_view kName = "asset.deleted";
    std::string id;
    std::string ownerId;
};

struct DerivativeCreated {
    static constexpr std::string_view kName = "derivative.created";
    std::string assetId;
    std::string ownerId;
    std::string kind;  // "thumbnail" | "preview" | "video" | a conversion format
    int version = 0;   // goes into the URL (&v=) so the derivative can be cached forever
};

struct DerivativeFailed {
    static constexpr std::string_view kName = "derivative.failed";
    std::string assetId;
    std::string ownerId;
    std::string kind;
    std::string reason;
};

struct JobProgressed {
    static constexpr std::string_view kName = "job.progressed";
    std::string jobId;
    std::string assetId;
    std::string ownerId;
    std::string kind;
    std::string state;  // queued | running | succeeded | failed
    double progress = 0;
};

// A user shared their library with another (POST /api/partners/{userId}): the receiver's event stream shows it,
// and the media module e-mails the receiver when SMTP is configured.
struct PartnerAdded {
    static constexpr std::string_view kName = "partner.added";
    std::string sharedById;
    std::string sharedWithId;
    std::string sharedByUsername;
    std::string sharedByDisplayName;
};

// Someone was given access to an album: a new member, or each present member of a group the album was shared
// with. Sent to the receiver's event stream (and by e-mail when SMTP is set); userId is the receiver.
struct AlbumShared {
    static constexpr std::string_view kName = "album.shared";
    std::string albumId;
    std::string albumName;
    std::string ownerId;
    std::string ownerName;  // the owner's display name, else username
    std::string userId;
    std::string role;  // "viewer" | "editor"
};

void to_json(nlohmann::json& j, const AssetCreated& e);
void from_json(const nlohmann::json& j, AssetCreated& e);
void to_json(nlohmann::json& j, const AssetUpdated& e);
void from_json(const nlohmann::json& j, AssetUpdated& e);
void to_json(nlohmann::json& j, const AssetTrashed& e);
void from_json(const nlohmann::json& j, AssetTrashed& e);
void to_json(nlohmann::json& j, const AssetRestored& e);
void from_json(const nlohmann::json& j, AssetRestored& e);
void to_json(nlohmann::json& j, const AssetDeleted& e);
void from_json(const nlohmann::json& j, AssetDeleted& e);
void to_json(nlohmann::json& j, const DerivativeCreated& e);
void from_json(const nlohmann::json& j, DerivativeCreated& e);
void to_json(nlohmann::json& j, const DerivativeFailed& e);
void from_json(const nlohmann::json& j, DerivativeFailed& e);
void to_json(nlohmann::json& j, const JobProgressed& e);
void from_json(const nlohmann::json& j, JobProgressed& e);
void to_json(nlohmann::json& j, const PartnerAdded& e);
void from_json(const nlohmann::json& j, PartnerAdded& e);
void to_json(nlohmann::json& j, const AlbumShared& e);
void from_json(const nlohmann::json& j, AlbumShared& e);

}  // namespace obscura::images
