#pragma once
// The body sink of POST /api/assets: multipart/form-data parsed as it streams in, the file part written
// straight to a temp file (hashed on the way, never held in memory), the other parts kept as fields.
//
// What can be refused is refused while the body is still arriving, so a bad upload costs the client as
// little as possible and leaves nothing behind: the file's type is sniffed from its first kSniffBytes and a
// refusal (415) comes before any byte is written to disk; an upload that grows past the user's remaining
// quota stops there (507); malformed framing stops at the first bad byte (400). The HTTP layer answers the
// error, calls abort() and closes the connection.
//
// Threads: write() runs on the connection's I/O strand, finish() then the route handler on a worker, one
// after the other; abort() replaces finish() when the client vanished or a limit tripped.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "obscura/formats/multipart_parser.hpp"
#include "obscura/images/media_types.hpp"
#include "obscura/kernel/http_types.hpp"
#include "upload/durability_ops.hpp"
#include "upload/upload_fields.hpp"
#include "upload/upload_temp_file.hpp"

namespace obscura::images {

// The part names that carry the file: Immich's and the common generic one.
inline constexpr std::string_view kFilePartName = "assetData";
inline constexpr std::string_view kAltFilePartName = "file";
// Immich's XMP sidecar part: kept in memory up to formats::kMaxSidecarBytes, never written to disk.
inline constexpr std::string_view kSidecarPartName = "sidecarData";

struct UploadSinkOptions {
    std::string tmpDir;                               // where the temp file goes (must exist)
    std::optional<std::int64_t> remainingQuotaBytes;  // nullopt: no quota
    DurabilityOps* ops = &DurabilityOps::system();
    // When set, the file is teed into this store while it arrives (UploadTempFile::stageInto), from the first
    // byte written, i.e. after the sniff accepted it: a refused type never reaches the store.
    blobs::BlobStore* blobs = nullptr;
    std::string assetId;  // the asset's id, chosen before the body (the likely key is built from it); may be empty
    // The key the file will probably get, from the fields sent before it and its sniffed type (may answer "").
    std::function<std::string(const FormFields& fieldsSoFar, const MediaType& type)> likelyKey;
};

class UploadSink final : public BodySink, private formats::MultipartHandler {
public:
    // From the request's Content-Type: not multipart/form-data is UnsupportedMediaType, a missing or bad
    // boundary BadRequest — both before a byte of the body is read.
    static Expected<std::shared_ptr<UploadSink>> create(std::string_view contentType, UploadSinkOptions options);

    Status write(std::string_view chunk) override;
    Status finish() override;
    void abort() noexcept override;

    // After finish() succeeded.
    const FormFields& fields() const { return fields_; }
    const MediaType& mediaType() const { return *type_; }
    const std::string& clientFileName() const { return fileName_; }
    std::uint64_t fileBytes() const { return fileBytes_; }
    const UploadSinkOptions& options() const { return options_; }
    // Hands the temp file to the caller, who commits or aborts it. Once only.
    std::optional<UploadTempFile> takeFile() { return std::exchange(file_, std::nullopt); }
    // The sidecarData part's bytes, if one came; sidecarTooLarge() when it passed kMaxSidecarBytes (then dropped).
    const std::optional<std::string>& sidecar() const { return sidecar_; }
    bool sidecarTooLarge() const { return sidecarTooLarge_; }

private:
    explicit UploadSink(UploadSinkOptions options) : options_(std::move(options)) {}

    Status onPartBegin(const formats::PartInfo& part) override;
    Status onPartData(std::string_view bytes) override;
    Status onPartEnd() override;
    Status onFinished() override { return {}; }

    Status sniffAndOpen();

    enum class Part { Field, File, Sidecar, Skipped };

    UploadSinkOptions options_;
    std::optional<formats::MultipartParser> parser_;
    Part part_ = Part::Skipped;
    std::string fieldName_;
    std::string fieldValue_;
    FormFields fields_;

    bool sawFile_ = false;
    std::string fileName_;
    std::string head_;  // the first bytes of the file until it is sniffed
    const MediaType* type_ = nullptr;
    std::optional<UploadTempFile> file_;
    std::uint64_t fileBytes_ = 0;
    bool aborted_ = false;
    std::optional<std::string> sidecar_;
    bool sidecarTooLarge_ = false;
};

}  // namespace obscura::images
