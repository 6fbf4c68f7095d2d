#pragma once
// tus's Upload-Metadata header (DESIGN.md section 10): comma-separated `key base64(value)` pairs, the value
// optional. Keys Obscura reads: filename, filetype, albumId, title, description, checksum (SHA-1), fileCreatedAt;
// other keys are kept but ignored. Refused with 400 and a message naming the problem: a header over
// kMaxUploadMetadataBytes, a key that is empty, repeated or has characters outside printable ASCII, a value that
// is not valid base64 or not UTF-8. The same pairs come back from the database as JSON.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "obscura/base/expected.hpp"
#include "upload/upload_fields.hpp"

namespace obscura::images {

inline constexpr std::size_t kMaxUploadMetadataBytes = 4096;

using UploadMetadata = std::vector<std::pair<std::string, std::string>>;

Expected<UploadMetadata> parseUploadMetadata(std::string_view header);
// The header form again (HEAD answers it).
std::string formatUploadMetadata(const UploadMetadata& metadata);

// What an upload's metadata means for its import: the fields POST /api/assets would have had (parsed by the same
// parseUploadFields, so a bad albumId or date is the same 422), the client's file name, and the checksum
// (lower-case hex) when one was given — a bad checksum is 400.
struct ResumableFields {
    UploadFields fields;
    std::string fileName;
    std::optional<std::string> checksum;
};
Expected<ResumableFields> readResumableFields(const UploadMetadata& metadata);

}  // namespace obscura::images
