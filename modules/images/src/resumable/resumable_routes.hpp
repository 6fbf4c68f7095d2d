#pragma once
// /api/uploads: tus 1.0.0 (core, creation, creation-with-upload, termination, expiration, checksum sha1) over
// ResumableService (DESIGN.md section 10, docs/api.md "Resumable uploads").
//   OPTIONS /api/uploads        discovery, no authentication
//   POST    /api/uploads        create (Upload-Length, Upload-Metadata), optionally with the first bytes
//   HEAD    /api/uploads/{id}   Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires
//   PATCH   /api/uploads/{id}   append at Upload-Offset (application/offset+octet-stream), Upload-Checksum
//   DELETE  /api/uploads/{id}   terminate
//   GET     /api/uploads/{id}   {id, offset, length, assetId?, status, expiresAt, error?} (JSON, Obscura's own)
// Every tus answer carries Tus-Resumable: 1.0.0. Statuses an ErrorCode cannot say are answered as responses:
// 412 (a Tus-Resumable this server does not speak, with Tus-Version), 423 upload_locked (another request is
// appending), 460 checksum_mismatch.
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura::images {

class ResumableService;

std::vector<Route> resumableRoutes(ResumableService& service, std::uint64_t maxUploadBytes);

}  // namespace obscura::images
