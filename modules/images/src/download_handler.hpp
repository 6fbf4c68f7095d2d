#pragma once
// Served bytes (DESIGN.md section 3): GET /api/assets/{id}/original, /thumbnail and /video, to whoever
// AccessService lets see the asset (its owner, a partner, an album member); anyone else gets 404, like for a
// missing one. Bandwidth counts to the asset's owner, whoever downloads. Bytes come from the blob store (FileResponse
// with a store and key: the local store's files by FileBody, any other streamed from its reader); responses carry only
// a type from our sniffed allowlist, `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`, so a
// file that is also valid HTML can never run as a page of ours.
#include <cstdint>
#include <string>
#include <vector>

#include "access/access_service.hpp"
#include "obscura/kernel/route.hpp"
#include "obscura/storage/asset_records.hpp"

namespace obscura::storage {
class Storage;
}
namespace obscura::blobs {
class BlobStore;
}

namespace obscura::images {

// The longest ?wait= a thumbnail or video request may ask for, in seconds.
inline constexpr int kMaxWaitSeconds = 30;

class BandwidthMeter;

struct DownloadDeps {
    storage::Storage& storage;
    BandwidthMeter& bandwidth;
    blobs::BlobStore& blobs;
    AccessService access{storage};
    // blobs.s3.redirectDownloads: > 0 answers downloads with 302 to a presigned GET valid this long (seconds)
    // instead of streaming the bytes through the server; 0 streams them.
    std::int64_t redirectTtlSeconds = 0;
};

std::vector<Route> downloadRoutes(DownloadDeps& deps);

// The same answers for an asset the caller has already been allowed to see (share links reuse them).
Expected<Response> serveOriginalOf(DownloadDeps& deps, const Request& req, const storage::AssetRecord& asset);
// kind: thumbnail | preview | video; 404 not_ready until the derivative exists.
Expected<Response> serveDerivative(DownloadDeps& deps, const Request& req, const storage::AssetRecord& asset,
                                   std::string_view kind);
// ?size=thumbnail|thumb|preview → the derivative kind (400 otherwise).
Expected<std::string_view> thumbnailKind(const Request& req);

}  // namespace obscura::images
