// Session: connection lifecycle (waiting, closing, deadlines) and the request head (header, routing,
// authentication, sink creation).
#include "session.hpp"

#include <algorithm>
#include <exception>
#include <limits>

#include "ascii.hpp"
#include "obscura/kernel/authenticator.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/route.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "request_id.hpp"
#include "server_state.hpp"
#include "trusted_proxies.hpp"

namespace obscura::httpd {
namespace {

// After we answered without reading all of the request, the client may still be sending. Closing at once would
// reset the connection and could destroy our answer in its receive buffer, so we read and discard for a while.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::uint64_t kMaxLingerBytes = 1 << 20;

bool carriesCredentials(const Headers& headers) {
    return headers.has("Authorization") || headers.has("X-Api-Key") || headers.has("Cookie");
}

}  // namespace

Session::Session(Socket socket, std::shared_ptr<ServerState> state, net::ip::address peer, std::string peerIp)
    : state_(std::move(state)),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      peer_(std::move(peer)),
      peerIp_(std::move(peerIp)) {}

Session::~Session() {
    // No handler refers to this session any more, so the sink and stream are ours to release.
    abortSink();
    if (stream_) stream_->cancel();
    state_->untrack(this);
    state_->release(peerIp_);
}

void Session::start() {
    state_->track(this, weak_from_this());
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->waitForRequest(); });
}

void Session::notifyStopping() {
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->onStopping(); });
}

void Session::forceClose() {
    net::post(socket_.get_executor(), [self = shared_from_this()] {
        if (self->closed()) return;
        if (self->requestOpen_ && self->phase_ != Phase::Handler && self->phase_ != Phase::Preparing) {
            self->abandon();
        } else {
            self->closeNow();
        }
    });
}

void Session::onStopping() {
    keepAlive_ = false;
    if (phase_ == Phase::Idle) {
        closeNow();
    } else if (phase_ == Phase::Streaming) {
        endStream();
    }
}

void Session::waitForRequest() {
    if (closed()) return;
    phase_ = Phase::Idle;
    if (state_->stopping) {
        closeGracefully();
        return;
    }
    if (buffer_.size() > 0) {  // a pipelined request is already here
        readHeader();
        return;
    }
    // A new connection gets the header deadline to start talking; a kept-alive one may idle longer.
    armTimer(firstRequest_ ? state_->options.headerTimeout : state_->options.idleTimeout);
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
        self->cancelTimer();
        if (self->closed()) return;
        if (ec || self->phase_ != Phase::Idle) {
            self->closeNow();
            return;
        }
        self->readHeader();
    });
}

void Session::readHeader() {
    phase_ = Phase::Header;
    firstRequest_ = false;
    inputComplete_ = false;
    version_ = 11;
    requestStart_ = Clock::now();
    headerParser_.emplace();
    headerParser_->header_limit(static_cast<std::uint32_t>(state_->options.maxHeaderBytes));
    // Unlimited here: the limit depends on the route, which is not known until the header is parsed. Not
    // boost::none: Beast 1.74 compares a Content-Length against the optional, and any number exceeds "none".
    headerParser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    armTimer(state_->options.headerTimeout);
    http::async_read_header(socket_, buffer_, *headerParser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->onHeader(ec); });
}

void Session::onHeader(beast::error_code ec) {
    const bool timedOut = timedOut_ && ec == net::error::operation_aborted;
    cancelTimer();
    if (closed()) return;
    if (!ec) {
        beginRequest();
        return;
    }
    if (!timedOut && !isHttpParseError(ec) && ec != http::error::header_limit && ec != http::error::buffer_overflow) {
        closeNow();  // the client went away between requests or mid-header: nobody to answer
        return;
    }
    request_ = Request{};
    request_.requestId = newRequestId();
    request_.clientIp = peerIp_;
    methodText_.clear();
    requestOpen_ = true;
    if (timedOut) {
        respondError(Error(ErrorCode::RequestTimeout, "the request header did not arrive in time"), true);
    } else if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
        respondError(Error(ErrorCode::HeaderTooLarge,
                           "request header larger than " + std::to_string(state_->options.maxHeaderBytes) + " bytes"),
                     true);
    } else {
        respondError(badRequest("malformed request: " + ec.message()), true);
    }
}

void Session::beginRequest() {
    auto& head = headerParser_->get();
    request_ = Request{};
    requestOpen_ = true;
    request_.receivedAt = Clock::now();
    version_ = head.version() == 10 ? 10 : 11;
    keepAlive_ = headerParser_->keep_alive();
    methodText_.assign(head.method_string().data(), head.method_string().size());
    request_.method = parseMethod(methodText_);
    request_.target.assign(head.target().data(), head.target().size());
    for (const auto& field : head) {
        request_.headers.add(std::string(toStd(field.name_string())), std::string(toStd(field.value())));
    }
    const auto givenId = request_.headers.get("X-Request-Id");
    request_.requestId = givenId && isAcceptableRequestId(*givenId) ? std::string(*givenId) : newRequestId();
    if (state_->proxies.contains(peer_)) {
        auto origin = resolveClientOrigin(state_->proxies, peer_, peerIp_, request_.headers.getAll("X-Forwarded-For"),
                                          request_.headers.get("X-Forwarded-Proto"));
        request_.clientIp = std::move(origin.ip);
        request_.secure = origin.secure;
    } else {
        request_.clientIp = peerIp_;
    }

    chunked_ = headerParser_->chunked();
    const auto length = headerParser_->content_length();
    declaredLength_ = length ? std::optional<std::uint64_t>(*length) : std::nullopt;
    hasBody_ = chunked_ || (declaredLength_ && *declaredLength_ > 0);
    const auto expect = request_.headers.get("Expect");
    expectContinue_ = hasBody_ && version_ == 11 && expect && iequals(*expect, "100-continue");

    const std::string_view target = request_.target;
    if (target.empty() || target.front() != '/') {
        rejectBeforeBody(badRequest("the request target must be an absolute path"));
        return;
    }
    const auto question = target.find('?');
    auto path = decodePath(target.substr(0, question));
    if (!path) {
        rejectBeforeBody(badRequest("the request path is not validly percent-encoded"));
        return;
    }
    request_.path = std::move(*path);
    if (question != std::string_view::npos) {
        request_.query.assign(target.substr(question + 1));
        request_.queryParams = parseQuery(request_.query);
    }

    auto match = state_->router.match(request_.method, request_.path);
    if (!match) {
        rejectBeforeBody(std::move(match).error());
        return;
    }
    request_.route = match->route;
    request_.params = std::move(match->params);
    const Route& route = *request_.route;
    bodyMode_ = route.body == BodyKind::Buffered   ? BodyMode::Buffered
                : route.body == BodyKind::Streamed ? BodyMode::Streamed
                                                   : BodyMode::Drain;

    const bool authRequired = route.auth == AuthPolicy::User || route.auth == AuthPolicy::Admin;
    const bool optionalAuth =
        !authRequired && carriesCredentials(request_.headers) && state_->services.find<Authenticator>() != nullptr;
    if (!authRequired && !optionalAuth && route.body != BodyKind::Streamed) {
        onPrepared(Status{});  // nothing that may block: stay on the I/O thread
        return;
    }
    phase_ = Phase::Preparing;
    // A request without a body has nothing left to read once it is authenticated, so its handler runs in the
    // same worker hop: two thread hand-offs per request instead of four (they were most of a small GET's cost).
    const bool handleInSameHop = !hasBody_ && route.body != BodyKind::Streamed;
    auto& pool = route.compute && handleInSameHop && state_->compute ? *state_->compute : state_->workers;
    net::post(pool, [self = shared_from_this(), handleInSameHop] {
        Status status = self->prepareOnWorker();
        // Not while stopping: a connection forced closed meanwhile must not have its handler run unanswered.
        if (status && handleInSameHop && !self->state_->stopping) {
            PreparedResponse prepared = self->handleOnWorker();
            net::post(self->socket_.get_executor(), [self, prepared = std::move(prepared)]() mutable {
                self->onHandledWithoutBody(std::move(prepared));
            });
            return;
        }
        net::post(self->socket_.get_executor(),
                  [self, status = std::move(status)]() mutable { self->onPrepared(std::move(status)); });
    });
}

void Session::onHandledWithoutBody(PreparedResponse prepared) {
    inputComplete_ = true;
    if (!closed()) phase_ = Phase::Handler;
    respond(std::move(prepared));
}

Status Session::checkBodyLimit() const {
    const std::uint64_t limit = bodyLimit();
    if (declaredLength_ && *declaredLength_ > limit) {
        return Error(ErrorCode::PayloadTooLarge, "request body larger than " + std::to_string(limit) + " bytes");
    }
    return {};
}

std::uint64_t Session::bodyLimit() const {
    if (!request_.route || request_.route->body == BodyKind::None || pendingAnswer_) {
        return state_->options.maxIgnoredBodyBytes;
    }
    return request_.route->maxBodyBytes;
}

// Runs on the worker pool: the Authenticator may query the database and makeSink may create files.
Status Session::prepareOnWorker() {
    const Route& route = *request_.route;
    try {
        auto authenticator = state_->services.find<Authenticator>();
        if (route.auth == AuthPolicy::User || route.auth == AuthPolicy::Admin) {
            if (!authenticator) return Error(ErrorCode::Unauthenticated, "authentication required");
            auto principal = authenticator->authenticate(request_);
            if (!principal) return std::move(principal).error();
            request_.principal = std::move(*principal);
            if (route.auth == AuthPolicy::Admin && !request_.principal->isAdmin) {
                return Error(ErrorCode::Forbidden, "administrator rights required");
            }
        } else if (authenticator && carriesCredentials(request_.headers)) {
            // Optional on anonymous and share-link routes: a bad credential there is not an error.
            auto principal = authenticator->authenticate(request_);
            if (principal) request_.principal = std::move(*principal);
        }
        OBSCURA_TRY_STATUS(checkBodyLimit());
        if (route.body == BodyKind::Streamed) {
            if (!route.makeSink) return internalError("route " + route.pattern + " streams its body but has no sink");
            auto sink = route.makeSink(request_);
            if (!sink) return std::move(sink).error();
            if (!*sink) return internalError("the sink factory of " + route.pattern + " returned no sink");
            request_.sink = std::move(*sink);
            sinkOpen_ = true;
        }
    } catch (const std::exception& e) {
        return internalError(std::string("authentication or sink creation threw: ") + e.what());
    } catch (...) {
        return internalError("authentication or sink creation threw a non-standard exception");
    }
    return {};
}

void Session::onPrepared(Status status) {
    if (closed()) {
        abandon();
        return;
    }
    if (!status) {
        abortSink();
        rejectBeforeBody(std::move(status).error());
        return;
    }
    if (request_.answerBeforeBody && request_.answerBeforeBody->status >= 100 &&
        request_.answerBeforeBody->status < 200) {
        // Informational: written before the body is read (with 100 Continue when asked for), then on as usual.
        queueInterim(*request_.answerBeforeBody);
        request_.answerBeforeBody.reset();
    }
    if (request_.answerBeforeBody) {
        abortSink();
        Response answer = std::move(*request_.answerBeforeBody);
        request_.answerBeforeBody.reset();
        answerBeforeBody(std::move(answer));
        return;
    }
    if (auto limit = checkBodyLimit(); !limit) {
        rejectBeforeBody(std::move(limit).error());
        return;
    }
    if (!interim_.empty()) {
        continueThenReadBody(bodyMode_, hasBody_);
    } else if (!hasBody_) {
        inputComplete_ = true;
        runHandler();
    } else if (expectContinue_) {
        continueThenReadBody(bodyMode_);
    } else {
        startBody(bodyMode_);
    }
}

void Session::abortSink() noexcept {
    if (!sinkOpen_) return;
    sinkOpen_ = false;
    if (request_.sink) request_.sink->abort();
}

// The client is gone or we are forced to stop: 499 (nginx's "client closed request") when no answer was chosen.
void Session::abandon() {
    if (phase_ != Phase::Preparing && phase_ != Phase::Handler) abortSink();
    if (stream_) {
        stream_->cancel();
        stream_.reset();
    }
    if (status_ == 0) status_ = 499;
    finishRequest();
    closeNow();
}

void Session::closeGracefully() {
    if (closed()) return;
    phase_ = Phase::Closing;
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
    const bool unreadInput = !inputComplete_ || buffer_.size() > 0 || socket_.available(ec) > 0;
    if (!unreadInput && !lingering_) {
        closeNow();
        return;
    }
    lingerBytes_ = 0;
    armTimer(kLingerTime);
    if (!lingering_) lingerRead();
}

void Session::lingerRead() {
    lingering_ = true;
    socket_.async_read_some(net::mutable_buffer(ioBuffer(), kIoBufferSize),
                            [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                                self->lingering_ = false;
                                if (self->closed()) return;
                                self->lingerBytes_ += n;
                                if (ec || self->lingerBytes_ > kMaxLingerBytes) {
                                    // While streaming this means the client left; when closing, we are done.
                                    if (self->phase_ == Phase::Streaming) {
                                        self->abandon();
                                    } else {
                                        self->closeNow();
                                    }
                                    return;
                                }
                                self->lingerRead();
                            });
}

void Session::closeNow() {
    if (closed()) return;
    if (phase_ != Phase::Preparing && phase_ != Phase::Handler) abortSink();
    if (stream_) {
        stream_->cancel();
        stream_.reset();
    }
    phase_ = Phase::Closed;
    cancelTimer();
    beast::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
}

void Session::armTimer(Clock::duration timeout) { armTimerAt(Clock::now() + timeout); }

// One timer per connection. A deadline cancels the socket's pending operation; that operation's handler sees
// timedOut_ and decides what the timeout means in its phase (408, silent close, ...). The generation makes a
// deadline that fired just as its operation completed harmless.
void Session::armTimerAt(Clock::time_point deadline) {
    const auto generation = ++timerGeneration_;
    timedOut_ = false;
    timer_.expires_at(deadline);
    timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
        if (ec || generation != self->timerGeneration_ || self->closed()) return;
        self->timedOut_ = true;
        beast::error_code ignored;
        self->socket_.cancel(ignored);
    });
}

void Session::cancelTimer() {
    ++timerGeneration_;
    timer_.cancel();
}

char* Session::ioBuffer() {
    if (!ioBuffer_) ioBuffer_ = std::make_unique<char[]>(kIoBufferSize);
    return ioBuffer_.get();
}

}  // namespace obscura::httpd
