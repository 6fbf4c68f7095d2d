#include "resumable/resumable_sink.hpp"

#include "resumable/resumable_service.hpp"

namespace obscura::images {

ResumableSink::ResumableSink(ResumableService& service, storage::UploadRecord upload, std::string writer,
                             SpoolAppender appender, std::optional<formats::Sha1Digest> expectedChunk,
                             formats::Sha1 chunkSha, std::optional<formats::Sha1> running)
    : service_(service),
      upload_(std::move(upload)),
      writer_(std::move(writer)),
      appender_(std::move(appender)),
      expectedChunk_(expectedChunk),
      chunkSha_(std::move(chunkSha)),
      running_(std::move(running)),
      renewedAt_(std::chrono::steady_clock::now()) {
    lease_->confirmedAtNs = renewedAt_.time_since_epoch().count();
}

ResumableSink::~ResumableSink() {
    if (!done_) service_.releaseLater(upload_.id, writer_);
}

Status ResumableSink::write(std::string_view chunk) {
    if (done_ || failed_) return internalError("an upload body written after it ended");
    const std::int64_t end = upload_.offset + written() + static_cast<std::int64_t>(chunk.size());
    if (upload_.length && end > *upload_.length) {
        failed_ = true;
        return Error(ErrorCode::PayloadTooLarge,
                     "the body runs past Upload-Length " + std::to_string(*upload_.length) + "; nothing was kept");
    }
    if (!upload_.length && end > maxUploadBytes_) {
        failed_ = true;
        return Error(ErrorCode::PayloadTooLarge, "the upload is past the server's limit of " +
                                                     std::to_string(maxUploadBytes_) + " bytes; nothing was kept");
    }
    // The lease is checked before writing, not after: a client that stalled past the lease may have been taken
    // over by another request at the same offset, and one more chunk written now would overwrite that writer's
    // bytes. The renewal itself runs on the background queue; no write happens once the lease may have run out.
    const auto now = std::chrono::steady_clock::now();
    const auto confirmed =
        std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(lease_->confirmedAtNs.load()));
    if (lease_->lost || now - confirmed >= kWriterLease - kLeaseMargin) {
        failed_ = true;
        return conflict("another request took this upload over; HEAD it for the offset and resume");
    }
    if (now - renewedAt_ >= kLeaseRenewal && !lease_->renewing.exchange(true)) {
        renewedAt_ = now;
        service_.renewLater(upload_.id, writer_, lease_, now);
    }
    if (auto written = appender_.write(chunk); !written) {
        failed_ = true;
        return written;
    }
    // The chunk's own hash only when Upload-Checksum asked for it: the whole file's running hash is enough
    // otherwise, and a second SHA-1 of every byte is CPU the POST of the same file does not spend.
    if (expectedChunk_) chunkSha_.update(chunk);
    if (running_) running_->update(chunk);
    return {};
}

Status ResumableSink::finish() { return {}; }

void ResumableSink::abort() noexcept {
    if (done_) return;
    done_ = true;  // from here the background task owns the lease
    service_.keepPartialLater(shared_from_this());
}

}  // namespace obscura::images
