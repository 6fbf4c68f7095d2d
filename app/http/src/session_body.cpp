// Session: request bodies (drained, buffered, streamed to a sink), the minimum body rate, and the handler.
#include <algorithm>
#include <cerrno>
#include <exception>

#include "obscura/blobs/blob_store.hpp"
#include "obscura/http/error_mapping.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/route.hpp"
#include "server_state.hpp"
#include "session.hpp"

namespace obscura::httpd {
namespace {

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace

// The request fails before its body was read. A small announced body is drained so the connection stays usable;
// an Expect: 100-continue body is never invited; anything bigger or chunked is not worth reading: we answer and
// close (the close lingers briefly so the client can read the answer).
void Session::rejectBeforeBody(Error error) { answerBeforeBody(buildErrorResponse(std::move(error))); }

// The same for an answer chosen before the body (Request::answerBeforeBody), an error or not.
void Session::answerBeforeBody(Response response) {
    if (!hasBody_) {
        inputComplete_ = true;
        respondWith(std::move(response), false);
    } else if (!expectContinue_ && !chunked_ && declaredLength_ &&
               *declaredLength_ <= state_->options.maxIgnoredBodyBytes) {
        pendingAnswer_ = std::move(response);
        startBody(BodyMode::Drain);
    } else {
        respondWith(std::move(response), true);
    }
}

// An informational answer chosen by a sink factory (Request::answerBeforeBody with a 1xx status: the IETF
// resumable-upload draft's 104 Upload Resumption Supported) as HTTP/1.1 bytes, for HTTP/1.1 clients only (HTTP/1.0
// has no 1xx). Header values are ours, but CR and LF are dropped all the same: no header can be split.
void Session::queueInterim(const Response& response) {
    if (version_ < 11) return;
    interim_ += "HTTP/1.1 " + std::to_string(response.status) + " " +
                (response.status == 104 ? "Upload Resumption Supported" : "Informational") + "\r\n";
    for (const auto& [name, value] : response.headers.all()) {
        std::string clean = value;
        clean.erase(std::remove_if(clean.begin(), clean.end(), [](char c) { return c == '\r' || c == '\n'; }),
                    clean.end());
        interim_ += name + ": " + clean + "\r\n";
    }
    interim_ += "\r\n";
}

// Beast 1.74 leaves the interim response to us. It goes out only now, after routing and authentication
// succeeded, so an unauthenticated client is never invited to send its body.
void Session::continueThenReadBody(BodyMode mode, bool readBody) {
    phase_ = Phase::Body;
    armTimer(state_->options.writeTimeout);
    if (expectContinue_ && readBody) interim_ += kContinue;
    net::async_write(socket_, net::buffer(interim_),
                     [self = shared_from_this(), mode, readBody](beast::error_code ec, std::size_t n) {
                         self->cancelTimer();
                         self->bytesOut_ += n;
                         self->interim_.clear();
                         if (ec || self->closed()) {
                             self->abandon();
                             return;
                         }
                         if (!readBody) {
                             self->inputComplete_ = true;
                             self->runHandler();
                         } else {
                             self->startBody(mode);
                         }
                     });
}

void Session::startBody(BodyMode mode) {
    phase_ = Phase::Body;
    bodyMode_ = mode;
    bodyStart_ = Clock::now();
    bodyBytes_ = 0;
    const std::uint64_t limit = bodyLimit();
    // A fresh parser of the right body type takes over the header parser's state (Beast's defer-body pattern).
    if (mode == BodyMode::Buffered) {
        stringParser_.emplace(std::move(*headerParser_));
        stringParser_->body_limit(limit);
    } else {
        bufferParser_.emplace(std::move(*headerParser_));
        bufferParser_->body_limit(limit);
    }
    headerParser_.reset();
    // Beast reads as much as the read buffer has room for, and after the header that is a few hundred bytes:
    // a streamed upload would arrive in ~2 KiB reads, each costing a sink write, a timer reset and an epoll
    // round (measured: 520,000 of each for 1 GiB). Room for a whole chunk makes it ~16,000.
    if (mode == BodyMode::Streamed) buffer_.reserve(kIoBufferSize);
    readBodySome();
}

void Session::readBodySome() {
    armTimerAt(bodyDeadline());
    auto onRead = [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onBodyRead(ec); };
    if (bodyMode_ == BodyMode::Buffered) {
        http::async_read_some(socket_, buffer_, *stringParser_, std::move(onRead));
        return;
    }
    auto& body = bufferParser_->get().body();
    body.data = ioBuffer();
    body.size = kIoBufferSize;
    http::async_read_some(socket_, buffer_, *bufferParser_, std::move(onRead));
}

// Below one second a body would be cut off before its first byte could cross a slow network.
Clock::duration Session::bodyGrace() const {
    return std::max<Clock::duration>(state_->options.bodyGrace, std::chrono::seconds(1));
}

// Beast's deadlines cover a whole operation, which lets a client trickle a body forever one byte at a time.
// So each read gets its own deadline: the moment the bytes received so far would fall below the minimum
// average rate (never before the grace period ends), and in any case no more than one grace period of silence.
Clock::time_point Session::bodyDeadline() const {
    const auto& options = state_->options;
    const Clock::duration grace = bodyGrace();
    const auto stall = Clock::now() + grace;
    if (options.minBodyBytesPerSecond == 0) return stall;
    const double earnedSeconds =
        std::min(static_cast<double>(bodyBytes_) / static_cast<double>(options.minBodyBytesPerSecond), 86400.0);
    const auto earned = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(earnedSeconds));
    return std::min(stall, bodyStart_ + std::max(grace, earned));
}

void Session::onBodyRead(beast::error_code ec) {
    const bool timedOut = timedOut_ && ec == net::error::operation_aborted;
    cancelTimer();
    if (closed()) {
        abandon();
        return;
    }
    if (ec == http::error::need_buffer) ec = {};  // buffer_body: our chunk buffer is full, not a failure
    if (timedOut) {
        failBody(Error(ErrorCode::RequestTimeout, "the request body arrived too slowly"));
        return;
    }
    if (ec == http::error::body_limit) {
        failBody(
            Error(ErrorCode::PayloadTooLarge, "request body larger than " + std::to_string(bodyLimit()) + " bytes"));
        return;
    }
    if (ec) {
        if (isHttpParseError(ec)) {
            failBody(badRequest("malformed request body: " + ec.message()));
        } else {
            abandon();  // the client vanished mid-body
        }
        return;
    }

    std::size_t received = 0;
    if (bodyMode_ == BodyMode::Buffered) {
        received = stringParser_->get().body().size() - bodyBytes_;
    } else {
        received = kIoBufferSize - bufferParser_->get().body().size;
    }
    bodyBytes_ += received;
    if (bodyMode_ == BodyMode::Streamed && received > 0) {
        Status written = internalError("the body sink threw");
        try {
            written = request_.sink->write(std::string_view(ioBuffer_.get(), received));
        } catch (const std::exception& e) {
            written = internalError(std::string("the body sink threw: ") + e.what());
        } catch (...) {
        }
        if (!written) {
            failBody(std::move(written).error());
            return;
        }
    }

    const bool done = bodyMode_ == BodyMode::Buffered ? stringParser_->is_done() : bufferParser_->is_done();
    if (done) {
        onBodyComplete();
        return;
    }
    const auto& options = state_->options;
    const auto elapsed = Clock::now() - bodyStart_;
    if (options.minBodyBytesPerSecond > 0 && elapsed > bodyGrace() &&
        static_cast<double>(bodyBytes_) <
            static_cast<double>(options.minBodyBytesPerSecond) * std::chrono::duration<double>(elapsed).count()) {
        failBody(Error(ErrorCode::RequestTimeout, "the request body arrived too slowly"));
        return;
    }
    readBodySome();
}

void Session::failBody(Error error) {
    abortSink();
    stringParser_.reset();
    bufferParser_.reset();
    pendingAnswer_.reset();
    respondError(std::move(error), true);
}

void Session::onBodyComplete() {
    inputComplete_ = true;
    if (bodyMode_ == BodyMode::Buffered) request_.body = std::move(stringParser_->get().body());
    stringParser_.reset();
    bufferParser_.reset();
    if (bodyMode_ == BodyMode::Streamed) buffer_.shrink_to_fit();  // a kept-alive connection keeps no upload buffer
    if (pendingAnswer_) {
        Response answer = std::move(*pendingAnswer_);
        pendingAnswer_.reset();
        respondWith(std::move(answer), false);
        return;
    }
    runHandler();
}

void Session::runHandler() {
    phase_ = Phase::Handler;
    // From here the worker owns the sink: it calls finish(); an abandoned sink is released with the request.
    sinkOpen_ = false;
    net::post(state_->workers, [self = shared_from_this()] {
        PreparedResponse prepared = self->handleOnWorker();
        net::post(self->socket_.get_executor(),
                  [self, prepared = std::move(prepared)]() mutable { self->respond(std::move(prepared)); });
    });
}

// Runs on the worker pool. No exception leaves: a throwing handler is a 500 whose detail goes to the log only.
PreparedResponse Session::handleOnWorker() {
    PreparedResponse prepared;
    Expected<Response> result = internalError("no handler ran");
    try {
        Status finished;
        if (request_.sink) finished = request_.sink->finish();
        if (!finished) {
            result = std::move(finished).error();
        } else if (!request_.route->handler) {
            result = internalError("route " + request_.route->pattern + " has no handler");
        } else {
            result = request_.route->handler(request_);
        }
    } catch (const std::exception& e) {
        result = internalError(std::string("handler threw: ") + e.what());
    } catch (...) {
        result = internalError("handler threw a non-standard exception");
    }
    if (!result) {
        prepared.response = buildErrorResponse(std::move(result).error());
        return prepared;
    }
    prepared.response = std::move(*result);
    if (prepared.response.blob && !prepared.response.stream) {
        prepared.fileOffset = 0;
        prepared.fileLength = prepared.response.blob->remaining();
        return prepared;
    }
    if (!prepared.response.file || prepared.response.stream) return prepared;

    // Opening (and sizing) the file here keeps the I/O thread from waiting on the disk.
    const FileBody& file = *prepared.response.file;
    beast::error_code ec;
    prepared.file.open(file.path.c_str(), beast::file_mode::scan, ec);
    std::uint64_t size = 0;
    if (!ec) size = prepared.file.size(ec);
    if (ec) {
        prepared.response = buildErrorResponse(ec == beast::errc::no_such_file_or_directory
                                                   ? notFound("the file is gone")
                                                   : internalError("cannot open " + file.path + ": " + ec.message()));
        prepared.file = beast::file();
        return prepared;
    }
    const std::uint64_t length = file.length.value_or(size >= file.offset ? size - file.offset : 0);
    if (file.offset > size || length > size - file.offset) {
        prepared.response = buildErrorResponse(internalError("range outside " + file.path));
        prepared.file = beast::file();
        return prepared;
    }
    prepared.fileOffset = file.offset;
    prepared.fileLength = length;
    return prepared;
}

}  // namespace obscura::httpd
