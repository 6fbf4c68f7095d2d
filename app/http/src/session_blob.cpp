// Session: a response whose bytes come from a blob reader (a store without local files, e.g. S3). A remote
// reader's read() blocks on the network (the S3 reader fetches 4 MiB at a time), so it never runs on the I/O
// thread, whose other connections would wait meanwhile: each read runs on the worker pool and posts its bytes
// back to the strand. Two buffers let the next read run while the previous chunk is written, so the store and
// the client overlap; memory per download stays at two buffers plus what the reader itself holds. The framing is
// the Content-Length of the range (Range, ETag and If-Range were settled by the handler), so the connection may
// be kept alive afterwards.
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/log.hpp"
#include "server_state.hpp"
#include "session.hpp"

namespace obscura::httpd {
namespace {

constexpr std::size_t kBlobBufferSize = 256 * 1024;  // per buffer; fewer worker hops than the 64 KiB I/O buffer

}  // namespace

struct Session::BlobPump {
    std::shared_ptr<blobs::BlobReader> reader;
    std::unique_ptr<char[]> buffers[2];
    std::size_t ready[2] = {0, 0};  // bytes held in each buffer, not yet fully written (0: free)
    std::uint64_t toRead = 0;       // bytes not yet asked of the reader
    std::uint64_t toWrite = 0;      // bytes not yet handed to the serializer
    int readSlot = 0;               // the buffer the next read fills
    int writeSlot = 0;              // the buffer the next write sends
    bool reading = false;           // a read is running on a worker (it owns buffers[readSlot] and reader)
    bool writing = false;
};

void Session::startBlob(PreparedResponse prepared) {
    const bool headOnly = request_.method == Method::Head;
    blobResponse_.emplace();
    fillHeader(*blobResponse_, prepared.response);
    blobResponse_->content_length(prepared.fileLength);
    auto& body = blobResponse_->body();
    body.data = nullptr;
    body.size = 0;
    body.more = !headOnly && prepared.fileLength > 0;
    blobSerializer_.emplace(*blobResponse_);
    if (!body.more) {
        if (headOnly) blobSerializer_->split(true);
        writeSome(*blobSerializer_, headOnly);
        return;
    }
    auto pump = std::make_shared<BlobPump>();
    pump->reader = std::move(prepared.response.blob);
    pump->toRead = pump->toWrite = prepared.fileLength;
    for (auto& buffer : pump->buffers) buffer = std::make_unique<char[]>(kBlobBufferSize);
    blobPump_ = std::move(pump);
    readBlobAhead();
}

// Starts a read into the free buffer, if there is one and bytes are left to read.
void Session::readBlobAhead() {
    auto pump = blobPump_;
    if (!pump || pump->reading || pump->toRead == 0 || pump->ready[pump->readSlot] != 0) return;
    pump->reading = true;
    const int slot = pump->readSlot;
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(pump->toRead, kBlobBufferSize));
    // The pump travels with the read: an abandoned connection drops blobPump_, the buffer stays until the read ends.
    net::post(state_->workers, [self = shared_from_this(), pump, slot, want] {
        Expected<std::size_t> got = pump->reader->read(pump->buffers[slot].get(), want);
        net::post(self->socket_.get_executor(),
                  [self, pump, slot, got = std::move(got)]() mutable { self->onBlobRead(*pump, slot, got); });
    });
}

void Session::onBlobRead(BlobPump& pump, int slot, const Expected<std::size_t>& got) {
    pump.reading = false;
    if (closed() || blobPump_.get() != &pump) return;  // the connection went while the worker read
    if (!got || *got == 0) {
        // The header (with its Content-Length) may be out already: all that is left is to end the connection.
        log::warn("request " + request_.requestId + ": reading the blob failed mid-response: " +
                  (got ? std::string("it ended early") : got.error().message));
        abandon();
        return;
    }
    pump.ready[slot] = *got;
    pump.toRead -= std::min<std::uint64_t>(pump.toRead, *got);
    pump.readSlot ^= 1;
    if (!pump.writing) writeBlobChunk();
    readBlobAhead();
}

void Session::writeBlobChunk() {
    BlobPump& pump = *blobPump_;
    const int slot = pump.writeSlot;
    const std::size_t n = pump.ready[slot];
    if (n == 0) return;  // not read yet: onBlobRead writes it
    pump.writing = true;
    pump.toWrite -= std::min<std::uint64_t>(pump.toWrite, n);
    auto& body = blobResponse_->body();
    body.data = pump.buffers[slot].get();
    body.size = n;
    body.more = pump.toWrite > 0;
    armTimer(state_->options.writeTimeout);
    http::async_write(socket_, *blobSerializer_,
                      [self = shared_from_this(), slot](beast::error_code ec, std::size_t sent) {
                          self->cancelTimer();
                          self->bytesOut_ += sent;
                          if (ec == http::error::need_buffer) ec = {};  // the chunk went out; ready for the next
                          if (ec || self->closed() || !self->blobPump_) {
                              self->abandon();
                              return;
                          }
                          BlobPump& sending = *self->blobPump_;
                          sending.writing = false;
                          sending.ready[slot] = 0;
                          sending.writeSlot ^= 1;
                          if (sending.toWrite == 0) {
                              self->onResponseWritten();
                              return;
                          }
                          self->writeBlobChunk();
                          self->readBlobAhead();
                      });
}

}  // namespace obscura::httpd
