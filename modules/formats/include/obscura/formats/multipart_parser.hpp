#pragma once
// Streaming multipart/form-data parser (RFC 7578 over RFC 2046 framing). It is fed the request body in
// whatever chunks the network delivers (one byte at a time works) and reports parts as events, so a 2 GB
// file part flows through it without being held in memory. Part data is handed on as slices of the chunk
// being fed (zero-copy) except for the few bytes held back at a chunk end that might begin a delimiter.
//
// Strictness, and why: a body we cannot frame unambiguously is refused rather than guessed at, because a
// guess could store half a photo and call it whole.
// - The boundary comes from Content-Type, quoted or not, 1–70 characters from RFC 2046's bchars.
// - A preamble before the first delimiter is skipped (RFC 2046 allows it; no browser sends one) but bounded.
// - After the closing delimiter only blank characters (SP, HT, CR, LF) may follow, up to a bound. RFC 2046
//   would let an epilogue carry anything; no form-data producer sends one, and trailing bytes usually mean a
//   wrong boundary or two bodies glued together, so they are an error.
// - Part headers: CRLF-terminated lines, no folding, a name on every line, bounded in bytes and lines;
//   Content-Disposition must be present once and be `form-data`; a Content-Transfer-Encoding other than
//   7bit/8bit/binary is refused (we would store encoded bytes).
// - A body that ends before the closing delimiter is an error (a truncated upload is never "complete").
// - Fields (parts without a filename parameter) are bounded in size; file parts are not — the caller's
//   quota and the HTTP body limit bound those.
// Errors are BadRequest for malformed framing and PayloadTooLarge for exceeded bounds. After an error the
// parser stays failed and repeats that error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::formats {

struct MultipartLimits {
    std::size_t maxPartHeaderBytes = 8 * 1024;  // one part's header block, CRLFs included
    std::size_t maxPartHeaderLines = 16;
    std::size_t maxFieldBytes = 64 * 1024;  // value of one non-file part
    std::size_t maxParts = 1000;
    std::size_t maxPreambleBytes = 1024;
    std::size_t maxEpilogueBytes = 1024;
};

struct PartInfo {
    std::string name;
    // Present for file parts (`filename=` or `filename*=` sent, possibly empty); sanitised for use as
    // metadata (see client_file_name.hpp). Never use it to build a path.
    std::optional<std::string> fileName;
    std::string contentType;  // lower-cased type/subtype as declared, "" when absent; never trusted for sniffing
    bool isFile() const { return fileName.has_value(); }
};

// Receives the parse events. Returning an error stops the parse; feed() then returns that error.
class MultipartHandler {
public:
    virtual ~MultipartHandler() = default;
    virtual Status onPartBegin(const PartInfo& part) = 0;
    virtual Status onPartData(std::string_view bytes) = 0;  // never empty; valid only during the call
    virtual Status onPartEnd() = 0;
    virtual Status onFinished() = 0;  // from finish(), after the closing delimiter and a clean epilogue
};

class MultipartParser {
public:
    // The boundary parameter of a `multipart/form-data` Content-Type, validated. Another media type is
    // UnsupportedMediaType; a missing or malformed boundary is BadRequest.
    static Expected<std::string> boundaryFromContentType(std::string_view contentType);
    // Status of a boundary against RFC 2046: 1–70 bchars, not ending in a space.
    static Status validateBoundary(std::string_view boundary);

    // The handler must outlive the parser.
    static Expected<MultipartParser> create(std::string_view boundary, MultipartHandler& handler,
                                            MultipartLimits limits = {});

    Status feed(std::string_view chunk);
    // End of the body. Calls onFinished when the body was complete, else returns why it was not.
    Status finish();

    bool closed() const { return state_ == State::Epilogue || state_ == State::Finished; }
    std::size_t partCount() const { return parts_; }

private:
    enum class State { Preamble, DelimiterTail, Headers, PartData, Epilogue, Finished };
    enum class Tail { Start, Dash, Padding, CR };

    MultipartParser(std::string_view boundary, MultipartHandler& handler, MultipartLimits limits);

    Status step(std::string_view& in);
    Status scanBody(std::string_view& in);
    Status emitBody(std::string_view bytes);
    Status onDelimiter();
    Status parseDelimiterTail(std::string_view& in);
    Status parseHeaders(std::string_view& in);
    Status headerLine(std::string_view line);
    Status beginPart();
    Status parseEpilogue(std::string_view& in);
    Status fail(Error e);

    std::string delimiter_;  // "\r\n--" + boundary
    MultipartHandler* handler_;
    MultipartLimits limits_;
    State state_ = State::Preamble;
    std::optional<Error> failed_;

    // Bytes at the end of earlier chunks that match a proper prefix of delimiter_. The parser starts with
    // "\r\n" held so that a body beginning directly with "--boundary" is found by the same search.
    std::string held_;
    std::uint64_t bodyBytes_ = 0;  // of the preamble or the current part

    Tail tail_ = Tail::Start;
    std::size_t tailBytes_ = 0;

    std::string line_;
    std::size_t headerBytes_ = 0;
    std::size_t headerLines_ = 0;
    bool sawDisposition_ = false;
    bool sawContentType_ = false;
    std::optional<std::string> extFileName_;  // from filename*=, which wins over filename=
    PartInfo part_;

    std::size_t parts_ = 0;
    std::size_t epilogueBytes_ = 0;
};

}  // namespace obscura::formats
