#include "obscura/formats/multipart_parser.hpp"

#include <cstring>

#include "obscura/formats/client_file_name.hpp"
#include "obscura/kernel/header_params.hpp"

namespace obscura::formats {
namespace {

constexpr std::size_t kMaxBoundaryBytes = 70;
constexpr std::size_t kMaxTransportPadding = 256;

bool isBoundaryChar(unsigned char c) {
    if (c >= '0' && c <= '9') return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
    return std::string_view("'()+_,-./:=? ").find(static_cast<char>(c)) != std::string_view::npos;
}

bool isHeaderNameChar(unsigned char c) {
    if (c >= '0' && c <= '9') return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] + 32) : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

std::string_view trimBlank(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

Error tooLarge(std::string m) { return {ErrorCode::PayloadTooLarge, std::move(m)}; }

}  // namespace

Status MultipartParser::validateBoundary(std::string_view b) {
    if (b.empty() || b.size() > kMaxBoundaryBytes) return badRequest("multipart boundary must be 1 to 70 characters");
    for (unsigned char c : b) {
        if (!isBoundaryChar(c)) return badRequest("multipart boundary contains a character RFC 2046 does not allow");
    }
    if (b.back() == ' ') return badRequest("multipart boundary must not end with a space");
    return {};
}

Expected<std::string> MultipartParser::boundaryFromContentType(std::string_view contentType) {
    std::string_view trimmed = trimBlank(contentType);
    if (trimmed.empty()) return Error{ErrorCode::UnsupportedMediaType, "Content-Type must be multipart/form-data"};
    auto parsed = parseHeaderValue(trimmed);
    if (!parsed) return badRequest("malformed Content-Type: " + parsed.error().message);
    if (parsed->type != "multipart/form-data") {
        return Error{ErrorCode::UnsupportedMediaType, "Content-Type must be multipart/form-data, not " + parsed->type};
    }
    auto boundary = parsed->param("boundary");
    if (!boundary) return badRequest("multipart/form-data Content-Type has no boundary parameter");
    OBSCURA_TRY_STATUS(validateBoundary(*boundary));
    return std::string(*boundary);
}

Expected<MultipartParser> MultipartParser::create(std::string_view boundary, MultipartHandler& handler,
                                                  MultipartLimits limits) {
    OBSCURA_TRY_STATUS(validateBoundary(boundary));
    return MultipartParser(boundary, handler, limits);
}

MultipartParser::MultipartParser(std::string_view boundary, MultipartHandler& handler, MultipartLimits limits)
    : delimiter_("\r\n--" + std::string(boundary)), handler_(&handler), limits_(limits), held_("\r\n") {}

Status MultipartParser::fail(Error e) {
    failed_ = e;
    return e;
}

Status MultipartParser::feed(std::string_view in) {
    if (failed_) return *failed_;
    if (state_ == State::Finished) return fail(internalError("multipart data fed after finish()"));
    while (!in.empty()) {
        auto st = step(in);
        if (!st) return fail(std::move(st).error());
    }
    return {};
}

Status MultipartParser::step(std::string_view& in) {
    switch (state_) {
        case State::Preamble:
        case State::PartData:
            return scanBody(in);
        case State::DelimiterTail:
            return parseDelimiterTail(in);
        case State::Headers:
            return parseHeaders(in);
        case State::Epilogue:
            return parseEpilogue(in);
        case State::Finished:
            break;
    }
    return internalError("multipart parser in an impossible state");
}

Status MultipartParser::finish() {
    if (failed_) return *failed_;
    switch (state_) {
        case State::Epilogue:
            state_ = State::Finished;
            if (auto st = handler_->onFinished(); !st) return fail(std::move(st).error());
            return {};
        case State::Preamble:
            return fail(badRequest("multipart body contains no boundary delimiter"));
        case State::Finished:
            return fail(internalError("multipart parser finished twice"));
        default:
            return fail(badRequest("multipart body ended before its closing boundary (truncated upload)"));
    }
}

// The delimiter starts with CR, and CR never occurs inside a boundary, so held-back bytes (a delimiter
// prefix at a chunk's end) are at most one delimiter minus one long and contain a single CR, at the front.
Status MultipartParser::scanBody(std::string_view& in) {
    if (!held_.empty()) {
        std::size_t k = held_.size();
        std::size_t n = std::min(delimiter_.size() - k, in.size());
        if (std::memcmp(in.data(), delimiter_.data() + k, n) == 0) {
            held_.append(in.data(), n);
            in.remove_prefix(n);
            if (held_.size() < delimiter_.size()) return {};
            held_.clear();
            return onDelimiter();
        }
        // Held bytes are a delimiter prefix with its only CR at the front, so once they fail to match, no
        // later delimiter can start inside them: they are content.
        std::string content = std::move(held_);
        held_.clear();
        OBSCURA_TRY_STATUS(emitBody(content));
    }
    // glibc's memmem (a two-byte-hash Horspool, Two-Way for long needles) skips through ordinary data and
    // stays fast on hostile data (runs of CR, near-miss delimiters) where a memchr-for-CR scan crawls.
    const void* hit = ::memmem(in.data(), in.size(), delimiter_.data(), delimiter_.size());
    if (hit != nullptr) {
        std::size_t i = static_cast<const char*>(hit) - in.data();
        OBSCURA_TRY_STATUS(emitBody(in.substr(0, i)));
        in.remove_prefix(i + delimiter_.size());
        return onDelimiter();
    }
    // No whole delimiter: hold back the earliest tail that is a prefix of one (it starts with the CR, the
    // only CR in a delimiter), to be completed by the next chunk.
    std::size_t tailStart = in.size() > delimiter_.size() - 1 ? in.size() - (delimiter_.size() - 1) : 0;
    for (std::size_t i = tailStart; i < in.size(); ++i) {
        if (in[i] == '\r' && std::memcmp(in.data() + i, delimiter_.data(), in.size() - i) == 0) {
            OBSCURA_TRY_STATUS(emitBody(in.substr(0, i)));
            held_.assign(in.substr(i));
            in = {};
            return {};
        }
    }
    OBSCURA_TRY_STATUS(emitBody(in));
    in = {};
    return {};
}

Status MultipartParser::emitBody(std::string_view bytes) {
    if (bytes.empty()) return {};
    bodyBytes_ += bytes.size();
    if (state_ == State::Preamble) {
        if (bodyBytes_ > limits_.maxPreambleBytes) {
            return badRequest("no multipart boundary within the first " + std::to_string(limits_.maxPreambleBytes) +
                              " bytes of the body");
        }
        return {};
    }
    if (!part_.isFile() && bodyBytes_ > limits_.maxFieldBytes) {
        return tooLarge("form field '" + part_.name + "' exceeds " + std::to_string(limits_.maxFieldBytes) + " bytes");
    }
    return handler_->onPartData(bytes);
}

Status MultipartParser::onDelimiter() {
    if (state_ == State::PartData) OBSCURA_TRY_STATUS(handler_->onPartEnd());
    state_ = State::DelimiterTail;
    tail_ = Tail::Start;
    tailBytes_ = 0;
    return {};
}

// After "--boundary": "--" closes the body; otherwise optional transport padding (SP/HT) and CRLF open a
// part. Anything else means the boundary string occurred inside content, which RFC 2046 forbids.
Status MultipartParser::parseDelimiterTail(std::string_view& in) {
    while (!in.empty()) {
        char c = in.front();
        in.remove_prefix(1);
        if (++tailBytes_ > kMaxTransportPadding) return badRequest("too much padding after a multipart boundary");
        switch (tail_) {
            case Tail::Start:
                if (c == '-') {
                    tail_ = Tail::Dash;
                    continue;
                }
                [[fallthrough]];
            case Tail::Padding:
                if (c == ' ' || c == '\t') {
                    tail_ = Tail::Padding;
                } else if (c == '\r') {
                    tail_ = Tail::CR;
                } else {
                    return badRequest("malformed multipart boundary line");
                }
                continue;
            case Tail::Dash:
                if (c != '-') return badRequest("malformed multipart closing boundary");
                state_ = State::Epilogue;
                return {};
            case Tail::CR:
                if (c != '\n') return badRequest("multipart boundary line not terminated by CRLF");
                if (++parts_ > limits_.maxParts) {
                    return tooLarge("multipart body has more than " + std::to_string(limits_.maxParts) + " parts");
                }
                state_ = State::Headers;
                line_.clear();
                headerBytes_ = headerLines_ = 0;
                sawDisposition_ = sawContentType_ = false;
                extFileName_.reset();
                part_ = PartInfo{};
                return {};
        }
    }
    return {};
}

Status MultipartParser::parseHeaders(std::string_view& in) {
    while (!in.empty()) {
        const void* lf = std::memchr(in.data(), '\n', in.size());
        std::size_t take = lf ? static_cast<const char*>(lf) - in.data() + 1 : in.size();
        if (headerBytes_ + take > limits_.maxPartHeaderBytes) {
            return tooLarge("multipart part headers exceed " + std::to_string(limits_.maxPartHeaderBytes) + " bytes");
        }
        line_.append(in.substr(0, take));
        headerBytes_ += take;
        in.remove_prefix(take);
        if (!lf) return {};
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') {
            return badRequest("multipart part header line not terminated by CRLF");
        }
        std::string_view line(line_.data(), line_.size() - 2);
        if (line.empty()) return beginPart();
        if (++headerLines_ > limits_.maxPartHeaderLines) {
            return tooLarge("multipart part has more than " + std::to_string(limits_.maxPartHeaderLines) +
                            " header lines");
        }
        OBSCURA_TRY_STATUS(headerLine(line));
        line_.clear();
    }
    return {};
}

Status MultipartParser::headerLine(std::string_view line) {
    if (line.front() == ' ' || line.front() == '\t')
        return badRequest("folded multipart part header lines are not allowed");
    if (line.find('\r') != std::string_view::npos) return badRequest("stray CR in a multipart part header");
    auto colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) return badRequest("multipart part header without a name");
    std::string_view name = line.substr(0, colon);
    for (unsigned char c : name) {
        if (!isHeaderNameChar(c)) return badRequest("invalid character in a multipart part header name");
    }
    std::string_view value = trimBlank(line.substr(colon + 1));
    if (iequals(name, "content-disposition")) {
        if (sawDisposition_) return badRequest("multipart part has two Content-Disposition headers");
        sawDisposition_ = true;
        OBSCURA_TRY(cd, parseHeaderValue(value));
        if (cd.type != "form-data") return badRequest("multipart part disposition is '" + cd.type + "', not form-data");
        auto fieldName = cd.param("name");
        if (!fieldName) return badRequest("multipart form-data part has no name parameter");
        part_.name = std::string(*fieldName);
        if (auto ext = cd.param("filename*")) {
            OBSCURA_TRY(decoded, decodeExtValue(*ext));
            extFileName_ = sanitizeClientFileName(decoded);
        }
        if (auto plain = cd.param("filename")) part_.fileName = sanitizeClientFileName(*plain);
        return {};
    }
    if (iequals(name, "content-type")) {
        if (sawContentType_) return badRequest("multipart part has two Content-Type headers");
        sawContentType_ = true;
        OBSCURA_TRY(ct, parseHeaderValue(value));
        part_.contentType = std::move(ct.type);
        return {};
    }
    if (iequals(name, "content-transfer-encoding")) {
        if (!iequals(value, "binary") && !iequals(value, "8bit") && !iequals(value, "7bit")) {
            return badRequest("multipart Content-Transfer-Encoding '" + std::string(value) + "' is not supported");
        }
    }
    return {};  // other part headers carry nothing we use
}

Status MultipartParser::beginPart() {
    if (!sawDisposition_) return badRequest("multipart part without a Content-Disposition: form-data header");
    if (extFileName_) part_.fileName = std::move(extFileName_);
    line_.clear();
    line_.shrink_to_fit();  // header lines are small; do not keep an 8 KiB buffer for the rest of a 2 GB part
    state_ = State::PartData;
    bodyBytes_ = 0;
    return handler_->onPartBegin(part_);
}

Status MultipartParser::parseEpilogue(std::string_view& in) {
    // Byte by byte, so that which error is reported does not depend on how the body was chunked.
    for (char c : in) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
            return badRequest("data after the closing multipart boundary");
        if (++epilogueBytes_ > limits_.maxEpilogueBytes) {
            return badRequest("too much data after the closing multipart boundary");
        }
    }
    in = {};
    return {};
}

}  // namespace obscura::formats
