#include "upload/upload_sink.hpp"

#include "obscura/formats/content_sniffer.hpp"

namespace obscura::images {

namespace {

Error quotaExceeded(std::int64_t remaining) {
    return {ErrorCode::QuotaExceeded, "the file does not fit in your storage quota (" + std::to_string(remaining) +
                                          " bytes left); nothing was kept"};
}

}  // namespace

Expected<std::shared_ptr<UploadSink>> UploadSink::create(std::string_view contentType, UploadSinkOptions options) {
    OBSCURA_TRY(boundary, formats::MultipartParser::boundaryFromContentType(contentType));
    std::shared_ptr<UploadSink> sink(new UploadSink(std::move(options)));
    OBSCURA_TRY(parser, formats::MultipartParser::create(boundary, *sink));
    sink->parser_.emplace(std::move(parser));
    return sink;
}

Status UploadSink::write(std::string_view chunk) {
    if (aborted_) return internalError("upload body written after abort");
    auto fed = parser_->feed(chunk);
    if (!fed) abort();  // give the space back now, not when the HTTP layer gets round to it
    return fed;
}

Status UploadSink::finish() {
    if (aborted_) return internalError("upload finished after abort");
    auto finished = parser_->finish();
    if (!finished) {
        abort();
        return finished;
    }
    if (!sawFile_) {
        abort();
        return badRequest("the form has no file part: send the file as '" + std::string(kFilePartName) + "'");
    }
    return {};
}

void UploadSink::abort() noexcept {
    aborted_ = true;
    if (file_) file_->abort();
    file_.reset();
}

Status UploadSink::onPartBegin(const formats::PartInfo& part) {
    const bool fileName = part.name == kFilePartName || part.name == kAltFilePartName;
    if (part.name == kSidecarPartName) {
        // A file part (Immich's CLI sends it so) or a plain field: either way bounded and held in memory.
        if (sidecar_) return badRequest("the form has more than one '" + std::string(kSidecarPartName) + "' part");
        part_ = Part::Sidecar;
        sidecar_.emplace();
        return {};
    }
    if (!fileName) {
        part_ = part.isFile() ? Part::Skipped : Part::Field;
        fieldName_ = part.name;
        fieldValue_.clear();
        return {};
    }
    if (!part.isFile()) {
        return badRequest("the '" + part.name + "' part must be a file (its Content-Disposition needs a filename)");
    }
    if (sawFile_) return badRequest("the form has more than one file part; send one file per request");
    sawFile_ = true;
    part_ = Part::File;
    fileName_ = *part.fileName;
    return {};
}

Status UploadSink::onPartData(std::string_view bytes) {
    switch (part_) {
        case Part::Skipped:
            return {};
        case Part::Field:
            fieldValue_.append(bytes);  // the parser bounds a field's size
            return {};
        case Part::Sidecar:
            if (sidecarTooLarge_ || sidecar_->size() + bytes.size() > formats::kMaxSidecarBytes) {
                sidecarTooLarge_ = true;
                sidecar_->clear();
                return {};
            }
            sidecar_->append(bytes);
            return {};
        case Part::File:
            break;
    }
    fileBytes_ += bytes.size();
    if (options_.remainingQuotaBytes && fileBytes_ > static_cast<std::uint64_t>(*options_.remainingQuotaBytes)) {
        return quotaExceeded(*options_.remainingQuotaBytes);
    }
    if (!type_) {
        const std::size_t take = std::min(bytes.size(), formats::kSniffBytes - head_.size());
        head_.append(bytes.substr(0, take));
        bytes.remove_prefix(take);
        if (head_.size() < formats::kSniffBytes) return {};
        OBSCURA_TRY_STATUS(sniffAndOpen());
    }
    if (bytes.empty()) return {};
    return file_->write(bytes);
}

Status UploadSink::onPartEnd() {
    if (part_ == Part::Field) {
        fields_.emplace_back(std::move(fieldName_), std::move(fieldValue_));
        fieldName_.clear();
        fieldValue_.clear();
    } else if (part_ == Part::File && !type_) {
        if (head_.empty()) return badRequest("the file part '" + std::string(kFilePartName) + "' is empty");
        OBSCURA_TRY_STATUS(sniffAndOpen());
    }
    part_ = Part::Skipped;
    return {};
}

// The file reaches the disk only once its first bytes show an accepted format.
Status UploadSink::sniffAndOpen() {
    OBSCURA_TRY(type, sniffMediaType(head_));
    type_ = type;
    OBSCURA_TRY(file, UploadTempFile::create(options_.tmpDir, *options_.ops));
    file_.emplace(std::move(file));
    if (options_.blobs != nullptr) {
        const std::string likely = options_.likelyKey ? options_.likelyKey(fields_, *type_) : std::string();
        OBSCURA_TRY_STATUS(file_->stageInto(*options_.blobs, likely));
    }
    auto written = file_->write(head_);
    head_ = std::string();
    return written;
}

}  // namespace obscura::images
