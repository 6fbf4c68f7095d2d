// Session: writing responses (string, file range, stream), the access log and metrics.
#include <algorithm>
#include <ctime>
#include <exception>

#include "access_log.hpp"
#include "ascii.hpp"
#include "obscura/base/http_date.hpp"
#include "obscura/http/error_mapping.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/route.hpp"
#include "obscura/kernel/router.hpp"
#include "server_state.hpp"
#include "session.hpp"

namespace obscura::httpd {
namespace {

// Framing and identity headers are ours to set; a handler's copy would contradict the real framing.
bool isReservedHeader(std::string_view name) {
    for (std::string_view reserved : {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Date",
                                      "X-Request-Id", "X-Content-Type-Options"}) {
        if (iequals(name, reserved)) return true;
    }
    return false;
}

// CR, LF or NUL in a header would let a value carry its own headers (response splitting).
bool isWritableHeader(std::string_view name, std::string_view value) {
    if (name.empty()) return false;
    for (char c : name) {
        if (c <= ' ' || c >= 0x7F || c == ':') return false;
    }
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

Response Session::buildErrorResponse(Error error) const {
    if (error.code == ErrorCode::Internal) {
        // The detail may name files, queries or hosts: it goes to the log, the client gets the request id.
        log::error("request " + request_.requestId + " failed: " + error.message);
        error.message = "internal error";
    }
    Response response = errorResponse(error, request_.requestId);
    if (error.code == ErrorCode::MethodNotAllowed) {
        std::string allow;
        const auto methods = state_->router.allowedMethods(request_.path);
        const bool hasGet = std::find(methods.begin(), methods.end(), Method::Get) != methods.end();
        const bool hasHead = std::find(methods.begin(), methods.end(), Method::Head) != methods.end();
        for (Method m : methods) {
            if (!allow.empty()) allow += ", ";
            allow += methodName(m);
        }
        if (hasGet && !hasHead) allow += ", HEAD";
        response.headers.set("Allow", std::move(allow));
    }
    return response;
}

void Session::respondError(Error error, bool close) { respondWith(buildErrorResponse(std::move(error)), close); }

void Session::respondWith(Response response, bool close) {
    if (close) keepAlive_ = false;
    PreparedResponse prepared;
    prepared.response = std::move(response);
    respond(std::move(prepared));
}

template <class Body>
void Session::fillHeader(http::response<Body>& message, const Response& response) {
    message.version(version_);
    message.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers.all()) {
        if (isReservedHeader(name)) continue;
        if (!isWritableHeader(name, value)) {
            log::warn("request " + request_.requestId + ": dropped a response header with forbidden characters");
            continue;
        }
        message.insert(toBeast(name), toBeast(value));
    }
    message.set("X-Request-Id", toBeast(request_.requestId));
    message.set("X-Content-Type-Options", "nosniff");
    message.set(http::field::date, toBeast(cachedHttpDate(std::time(nullptr))));
    message.keep_alive(keepAlive_);
}

void Session::respond(PreparedResponse prepared) {
    if (closed()) {
        if (prepared.response.stream) prepared.response.stream->cancel();
        abandon();
        return;
    }
    if (prepared.response.status < 200 || prepared.response.status > 599) {
        PreparedResponse replacement;
        replacement.response = buildErrorResponse(
            internalError("handler answered with status " + std::to_string(prepared.response.status)));
        prepared = std::move(replacement);
    }
    phase_ = Phase::Writing;
    status_ = prepared.response.status;
    if (state_->stopping || state_->draining) keepAlive_ = false;
    if (prepared.response.stream) {
        startStream(std::move(prepared));
        return;
    }
    const bool headOnly = request_.method == Method::Head;
    const bool bodyless = status_ == 204 || status_ == 304;
    if (prepared.response.blob && !bodyless) {
        startBlob(std::move(prepared));
        return;
    }
    if (prepared.response.file && !bodyless) {
        fileResponse_.emplace();
        fillHeader(*fileResponse_, prepared.response);
        auto& body = fileResponse_->body();
        body.file = std::move(prepared.file);
        body.offset = prepared.fileOffset;
        body.length = prepared.fileLength;
        body.buffer = ioBuffer();
        body.bufferSize = kIoBufferSize;
        fileResponse_->content_length(body.length);
        fileSerializer_.emplace(*fileResponse_);
        if (headOnly) fileSerializer_->split(true);
        writeSome(*fileSerializer_, headOnly);
        return;
    }
    if (prepared.response.sharedBody) {
        sharedBody_ = std::move(prepared.response.sharedBody);
        writeBuffered(sharedResponse_, sharedSerializer_, prepared.response, sharedBody_->size(),
                      http::span_body<const char>::value_type(sharedBody_->data(), sharedBody_->size()));
        return;
    }
    const std::size_t length = prepared.response.body.size();
    writeBuffered(stringResponse_, stringSerializer_, prepared.response, length, std::move(prepared.response.body));
}

template <class Body, class Value>
void Session::writeBuffered(std::optional<http::response<Body>>& message,
                            std::optional<http::response_serializer<Body>>& serializer, const Response& response,
                            std::size_t length, Value&& body) {
    const bool bodyless = status_ == 204 || status_ == 304;
    const bool headerOnly = bodyless || request_.method == Method::Head;
    message.emplace();
    fillHeader(*message, response);  // reads the headers only: body may be the response's own, moved below
    if (!bodyless) {
        // HEAD announces the length the GET would have sent.
        message->content_length(length);
        if (!headerOnly) message->body() = std::forward<Value>(body);
    }
    serializer.emplace(*message);
    if (headerOnly) serializer->split(true);
    writeSome(*serializer, headerOnly);
}

// write_some rather than one async_write: the deadline then bounds a write making no progress, not the time
// a large download legitimately takes.
template <class Serializer>
void Session::writeSome(Serializer& serializer, bool headerOnly) {
    armTimer(state_->options.writeTimeout);
    http::async_write_some(socket_, serializer,
                           [self = shared_from_this(), &serializer, headerOnly](beast::error_code ec, std::size_t n) {
                               self->cancelTimer();
                               self->bytesOut_ += n;
                               if (ec || self->closed()) {
                                   self->abandon();
                                   return;
                               }
                               if (headerOnly ? serializer.is_header_done() : serializer.is_done()) {
                                   self->onResponseWritten();
                                   return;
                               }
                               self->writeSome(serializer, headerOnly);
                           });
}

void Session::startStream(PreparedResponse prepared) {
    stream_ = std::move(prepared.response.stream);
    // The watch for the client leaving reads and discards, so nothing may follow a stream on this connection.
    keepAlive_ = false;
    streamResponse_.emplace();
    fillHeader(*streamResponse_, prepared.response);
    streamResponse_->chunked(true);
    auto& body = streamResponse_->body();
    body.data = nullptr;
    body.size = 0;
    body.more = true;
    streamSerializer_.emplace(*streamResponse_);
    if (request_.method == Method::Head) {
        stream_->cancel();
        stream_.reset();
        streamSerializer_->split(true);
        writeSome(*streamSerializer_, true);
        return;
    }
    phase_ = Phase::Streaming;
    streamWriting_ = true;
    armTimer(state_->options.writeTimeout);
    http::async_write_header(socket_, *streamSerializer_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                 self->cancelTimer();
                                 self->streamWriting_ = false;
                                 self->bytesOut_ += n;
                                 if (ec || self->closed()) {
                                     self->abandon();
                                     return;
                                 }
                                 if (self->streamEnding_) {
                                     self->writeStreamChunk(true);
                                     return;
                                 }
                                 self->lingerRead();  // notices the client leaving while we wait for chunks
                                 self->pullStream();
                             });
}

void Session::pullStream() {
    if (!stream_ || streamEnding_) return;
    // Weak: a producer that keeps a stale callback must not keep the connection alive. While we wait, the
    // pending watch read holds the session.
    auto deliver = [weak = weak_from_this()](std::optional<std::string> chunk) {
        auto self = weak.lock();
        if (!self) return;
        net::post(self->socket_.get_executor(),
                  [self, chunk = std::move(chunk)]() mutable { self->onStreamChunk(std::move(chunk)); });
    };
    try {
        stream_->pull(std::move(deliver));
    } catch (const std::exception& e) {
        log::error("request " + request_.requestId + ": response stream threw: " + e.what());
        endStream();
    } catch (...) {
        endStream();
    }
}

void Session::onStreamChunk(std::optional<std::string> chunk) {
    if (phase_ != Phase::Streaming || streamEnding_) return;
    if (!chunk) {
        streamEnding_ = true;
        stream_.reset();
        writeStreamChunk(true);
        return;
    }
    if (chunk->empty()) {  // an empty chunk would end the chunked encoding
        pullStream();
        return;
    }
    streamChunk_ = std::move(*chunk);
    writeStreamChunk(false);
}

void Session::writeStreamChunk(bool last) {
    auto& body = streamResponse_->body();
    body.data = last ? nullptr : streamChunk_.data();
    body.size = last ? 0 : streamChunk_.size();
    body.more = !last;
    streamWriting_ = true;
    armTimer(state_->options.writeTimeout);
    http::async_write(socket_, *streamSerializer_,
                      [self = shared_from_this(), last](beast::error_code ec, std::size_t n) {
                          self->cancelTimer();
                          self->streamWriting_ = false;
                          self->bytesOut_ += n;
                          if (ec == http::error::need_buffer) ec = {};  // the chunk went out; ready for the next
                          if (ec || self->closed()) {
                              self->abandon();
                              return;
                          }
                          if (last) {
                              self->onResponseWritten();
                          } else if (self->streamEnding_) {
                              self->writeStreamChunk(true);
                          } else {
                              self->pullStream();
                          }
                      });
}

// Server stop or a failing producer: end the stream cleanly with the terminating chunk.
void Session::endStream() {
    if (streamEnding_ || phase_ != Phase::Streaming) return;
    streamEnding_ = true;
    if (stream_) {
        stream_->cancel();
        stream_.reset();
    }
    if (!streamWriting_) writeStreamChunk(true);
}

// Only once no write is pending: an aborted write's handler still runs later and uses the serializer and the
// chunk it was given, so an abandoned connection keeps them until the session dies.
void Session::releaseResponse() {
    // Serializers refer to their messages: release them first. Big bodies go now, not at the next request.
    stringSerializer_.reset();
    stringResponse_.reset();
    sharedSerializer_.reset();
    sharedResponse_.reset();
    sharedBody_.reset();
    fileSerializer_.reset();
    fileResponse_.reset();
    blobSerializer_.reset();
    blobResponse_.reset();
    blobPump_.reset();
    streamSerializer_.reset();
    streamResponse_.reset();
    streamChunk_ = std::string();
    streamEnding_ = false;
}

void Session::onResponseWritten() {
    releaseResponse();
    finishRequest();
    if (keepAlive_ && !state_->stopping) {
        waitForRequest();
    } else {
        closeGracefully();
    }
}

void Session::finishRequest() {
    if (!requestOpen_) return;
    requestOpen_ = false;
    const auto elapsed = std::chrono::duration<double>(Clock::now() - requestStart_).count();
    const std::string_view metricMethod =
        methodText_.empty() ? std::string_view("UNKNOWN") : methodName(request_.method);
    state_->metrics.requestFinished(metricMethod, request_.route, status_, elapsed);
    if (state_->options.accessLog) {
        AccessRecord record;
        record.requestId = request_.requestId;
        record.method = methodText_;
        record.path = request_.path;
        record.route = request_.route ? std::string_view(request_.route->pattern) : std::string_view("unmatched");
        record.status = status_;
        record.bytesOut = bytesOut_;
        record.bytesIn = bodyBytes_;
        record.durationMs = elapsed * 1000.0;
        record.clientIp = request_.clientIp;
        if (request_.principal) record.userId = request_.principal->userId;
        writeAccessLog(record);
    }
    abortSink();
    request_ = Request{};
    methodText_.clear();
    pendingAnswer_.reset();
    status_ = 0;
    bytesOut_ = 0;
    bodyBytes_ = 0;
}

}  // namespace obscura::httpd
