#pragma once
// Which resumable-upload protocol a request speaks, and the headers each answers with (DESIGN.md section 10):
// tus 1.0.0 (Tus-Resumable) or the IETF "Resumable Uploads for HTTP" draft, interop versions 3 to 8
// (Upload-Draft-Interop-Version). Both reach the same ResumableService; only the framing differs:
//   - completion: tus by Upload-Length; IETF by Upload-Incomplete: ?0 (version 3) or Upload-Complete: ?1 (4+),
//     the length then being wherever the bytes end;
//   - appends: tus application/offset+octet-stream; IETF application/partial-upload from version 6, any type
//     before;
//   - answers: tus Tus-Resumable, Upload-Offset, Upload-Expires; IETF the version echoed, Upload-Offset,
//     Upload-Complete (or Upload-Incomplete), Upload-Limit.
#include <cstdint>
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"
#include "obscura/storage/uploads_repository.hpp"

namespace obscura::images {

inline constexpr int kMinInteropVersion = 3;
inline constexpr int kMaxInteropVersion = 8;

struct UploadProtocol {
    int interopVersion = 0;  // 0: tus 1.0.0
    bool ietf() const { return interopVersion != 0; }
};

// The protocol of a request; nullopt when it speaks neither (a Tus-Resumable other than 1.0.0, or no header of
// either): the caller answers 412 with Tus-Version. BadRequest for an interop version outside 3–8.
Expected<std::optional<UploadProtocol>> requestProtocol(const Request& req);

// IETF: whether this request's body ends the upload (Upload-Incomplete: ?0 / Upload-Complete: ?1; absent means
// complete, as the draft says). BadRequest for a value that is not a structured boolean. tus: always false.
Expected<bool> completesUpload(const Request& req, UploadProtocol protocol);

// The Content-Type an append must have: "" when any will do.
std::string_view appendContentType(UploadProtocol protocol);

// Response headers naming where an upload stands, in the request's protocol.
void progressHeaders(Response& response, const storage::UploadRecord& upload, UploadProtocol protocol,
                     std::uint64_t maxUploadBytes);
// Upload-Limit's value (IETF, also on OPTIONS).
std::string uploadLimit(std::uint64_t maxUploadBytes);

}  // namespace obscura::images
