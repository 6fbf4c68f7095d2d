#pragma once
// One client connection. Everything it does runs on its strand; blocking work (authentication, sink creation,
// handlers, opening files) runs on the worker pool and posts its result back to the strand.
//
// Per request: header (request_parser<empty_body>) → route → auth → [100 Continue] → body chosen by the route
// (drained, buffered string, or streamed to a sink) → handler → response (string, file range or stream).
// Source split: session.cpp (connection and request head), session_body.cpp (bodies and the handler),
// session_response.cpp (responses and closing), session_blob.cpp (responses read from a blob store).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "file_range_body.hpp"
#include "net.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura::httpd {

class ServerState;

// Upload chunks, file reads and linger reads go through one buffer of this size per connection.
inline constexpr std::size_t kIoBufferSize = 64 * 1024;

// A handler's answer with its file already opened on the worker, so the I/O thread never waits on open().
struct PreparedResponse {
    Response response;
    beast::file file;
    std::uint64_t fileOffset = 0;
    std::uint64_t fileLength = 0;
};

class Session : public std::enable_shared_from_this<Session> {
public:
    // The caller has already taken the connection slot for peerIp; the session gives it back when it dies.
    Session(Socket socket, std::shared_ptr<ServerState> state, net::ip::address peer, std::string peerIp);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start();
    // Graceful stop, callable from any thread: idle connections close now, busy ones after their response.
    void notifyStopping();
    // Drain time is over, callable from any thread: close whatever the connection is doing.
    void forceClose();

private:
    enum class Phase : std::uint8_t { Idle, Header, Preparing, Body, Handler, Writing, Streaming, Closing, Closed };
    enum class BodyMode : std::uint8_t { Drain, Buffered, Streamed };

    // session.cpp
    void waitForRequest();
    void readHeader();
    void onHeader(beast::error_code ec);
    void beginRequest();
    Status prepareOnWorker();
    void onPrepared(Status status);
    void onHandledWithoutBody(PreparedResponse prepared);
    Status checkBodyLimit() const;
    std::uint64_t bodyLimit() const;
    void rejectBeforeBody(Error error);
    void answerBeforeBody(Response response);
    void onStopping();
    void abortSink() noexcept;

    // session_body.cpp
    // Writes interim_ (1xx answers queued by queueInterim, and 100 Continue when the client expects it), then reads
    // the body (readBody false: there is none, the handler runs).
    void continueThenReadBody(BodyMode mode, bool readBody = true);
    void queueInterim(const Response& response);
    void startBody(BodyMode mode);
    void readBodySome();
    void onBodyRead(beast::error_code ec);
    Clock::duration bodyGrace() const;
    Clock::time_point bodyDeadline() const;
    void failBody(Error error);
    void onBodyComplete();
    void runHandler();
    PreparedResponse handleOnWorker();

    // session_response.cpp
    void respond(PreparedResponse prepared);
    void respondError(Error error, bool close);
    void respondWith(Response response, bool close);
    Response buildErrorResponse(Error error) const;
    template <class Body>
    void fillHeader(http::response<Body>& message, const Response& response);
    template <class Serializer>
    void writeSome(Serializer& serializer, bool headerOnly);
    // A body held in memory (a string, or bytes shared with a cache) written with its headers.
    template <class Body, class Value>
    void writeBuffered(std::optional<http::response<Body>>& message,
                       std::optional<http::response_serializer<Body>>& serializer, const Response& response,
                       std::size_t length, Value&& body);
    void startStream(PreparedResponse prepared);
    void pullStream();
    void onStreamChunk(std::optional<std::string> chunk);
    void writeStreamChunk(bool last);
    void endStream();
    // session_blob.cpp
    struct BlobPump;
    void startBlob(PreparedResponse prepared);
    void readBlobAhead();
    void onBlobRead(BlobPump& pump, int slot, const Expected<std::size_t>& got);
    void writeBlobChunk();
    void onResponseWritten();
    void releaseResponse();
    void finishRequest();
    void abandon();
    void closeGracefully();
    void lingerRead();
    void closeNow();
    void armTimer(Clock::duration timeout);
    void armTimerAt(Clock::time_point deadline);
    void cancelTimer();
    char* ioBuffer();
    bool closed() const { return phase_ == Phase::Closed; }

    std::shared_ptr<ServerState> state_;
    Socket socket_;
    Timer timer_;
    beast::flat_buffer buffer_;
    const net::ip::address peer_;
    const std::string peerIp_;

    Phase phase_ = Phase::Idle;
    bool firstRequest_ = true;
    bool keepAlive_ = false;
    bool timedOut_ = false;  // the pending operation was cancelled by our own deadline
    std::uint64_t timerGeneration_ = 0;
    std::unique_ptr<char[]> ioBuffer_;  // body chunks, file reads, linger reads; allocated on first use

    // The request in progress. request_ is touched by the worker pool only while phase_ is Preparing or
    // Handler, during which the strand leaves it alone.
    Request request_;
    std::string methodText_;
    bool requestOpen_ = false;
    Clock::time_point requestStart_{};
    std::optional<http::request_parser<http::empty_body>> headerParser_;
    std::optional<http::request_parser<http::string_body>> stringParser_;
    std::optional<http::request_parser<http::buffer_body>> bufferParser_;
    unsigned version_ = 11;
    std::string interim_;  // informational answers to write before the body (continueThenReadBody)
    bool hasBody_ = false;
    bool chunked_ = false;
    bool expectContinue_ = false;
    bool inputComplete_ = false;  // the whole request was read: closing need not linger for unread input
    std::optional<std::uint64_t> declaredLength_;
    BodyMode bodyMode_ = BodyMode::Drain;
    bool sinkOpen_ = false;                  // the sink has neither finished nor been aborted
    std::optional<Response> pendingAnswer_;  // sent once the ignored body has been drained
    Clock::time_point bodyStart_{};
    std::uint64_t bodyBytes_ = 0;

    // The response in progress.
    int status_ = 0;
    std::uint64_t bytesOut_ = 0;
    std::optional<http::response<http::string_body>> stringResponse_;
    std::optional<http::response_serializer<http::string_body>> stringSerializer_;
    std::shared_ptr<const std::string> sharedBody_;  // what sharedResponse_'s span points into
    std::optional<http::response<http::span_body<const char>>> sharedResponse_;
    std::optional<http::response_serializer<http::span_body<const char>>> sharedSerializer_;
    std::optional<http::response<FileRangeBody>> fileResponse_;
    std::optional<http::response_serializer<FileRangeBody>> fileSerializer_;
    // A blob reader's bytes (session_blob.cpp): read on the worker pool, written from two buffers.
    std::shared_ptr<BlobPump> blobPump_;
    std::optional<http::response<http::buffer_body>> blobResponse_;
    std::optional<http::response_serializer<http::buffer_body>> blobSerializer_;
    std::optional<http::response<http::buffer_body>> streamResponse_;
    std::optional<http::response_serializer<http::buffer_body>> streamSerializer_;
    std::shared_ptr<ResponseStream> stream_;
    std::string streamChunk_;
    bool streamWriting_ = false;
    bool streamEnding_ = false;
    bool lingering_ = false;  // a read that only watches for the client leaving is pending
    std::uint64_t lingerBytes_ = 0;
};

}  // namespace obscura::httpd
