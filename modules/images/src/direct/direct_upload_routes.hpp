#pragma once
// Direct upload's routes (DESIGN.md section 8; rules in direct_upload_service.hpp):
//   POST /api/assets/upload-url                       {filename, sizeBytes, checksum?, albumId?, title?,
//                                                     description?} → 201 {uploadId, url, method, headers,
//                                                     expiresAt}
//   PUT  /api/uploads/direct/{uploadId}?expires&size&signature   the local store's signed URL (no sign-in: the
//                                                     signature is the credential) → 200 {uploadId, sizeBytes}
//   POST /api/assets/upload-url/{uploadId}/confirm    → 201 asset / 200 duplicate, as POST /api/assets
#include <string>
#include <vector>

#include "obscura/kernel/route.hpp"

namespace obscura::images {

class DirectUploadService;

// publicUrl: server.publicUrl ("" = the request's own scheme and Host).
std::vector<Route> directUploadRoutes(DirectUploadService& service, std::string publicUrl);

}  // namespace obscura::images
