#pragma once
// tus requests for the resumable-upload tests (DESIGN.md section 10), written by hand so a malformed one is as easy
// to make as a good one.
#include <optional>
#include <string>

#include "upload_support.hpp"

namespace obscura::test {

std::string base64(const std::string& bytes);
// Upload-Checksum's value for bytes: "sha1 <base64 of the SHA-1>".
std::string sha1Checksum(const std::string& bytes);
std::string sha1Hex(const std::string& bytes);

// POST /api/uploads with Tus-Resumable 1.0.0, Upload-Length and the Upload-Metadata given (already encoded).
HttpResponse createUpload(HttpClient& http, const User& user, std::int64_t length, const std::string& metadata,
                          HeaderList extra = {}, const std::string& body = {});
// The upload's path from a creation's Location.
std::string uploadPath(const HttpResponse& created);
HttpResponse patchUpload(HttpClient& http, const User& user, const std::string& path, std::int64_t offset,
                         const std::string& bytes, HeaderList extra = {});
HttpResponse headUpload(HttpClient& http, const User& user, const std::string& path);
// Upload-Offset of a response, -1 when absent.
std::int64_t offsetOf(const HttpResponse& response);
// Creates an upload of bytes and sends them in chunks of chunkSize; REQUIREs every step; answers the last PATCH.
HttpResponse tusUpload(HttpClient& http, const User& user, const std::string& fileName, const std::string& bytes,
                       std::size_t chunkSize, const std::string& extraMetadata = {});

}  // namespace obscura::test
