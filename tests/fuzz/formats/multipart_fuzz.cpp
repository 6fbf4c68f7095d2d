// libFuzzer target for the streaming multipart parser. The first input byte picks a mode:
//  even — raw: the rest is (chunking seed, boundary, body); the body is parsed in one piece, one byte at a
//         time and in random chunks, and all three runs must agree on the outcome and on every part.
//  odd  — generated: the rest describes a well-formed form (names, file names, contents that may hold CRs,
//         dashes and near-boundaries); it must parse in random chunks and round-trip exactly.
// Invariants everywhere: no crash or sanitizer report, events in order (begin → data* → end, finished last),
// never more data bytes than body bytes, fields within their bound.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/formats/multipart_parser.hpp"

using namespace obscura;
using namespace obscura::formats;

namespace {

[[noreturn]] void invariantFailed(const char* what) {
    std::fprintf(stderr, "multipart_fuzz invariant violated: %s\n", what);
    std::abort();
}
#define FUZZ_ASSERT(cond)                    \
    do {                                     \
        if (!(cond)) invariantFailed(#cond); \
    } while (0)

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
    std::uint8_t byte() { return n_ ? (--n_, *p_++) : std::uint8_t{0}; }
    std::uint32_t u32() { return byte() | byte() << 8 | byte() << 16 | std::uint32_t(byte()) << 24; }
    std::string bytes(std::size_t want) {
        std::size_t k = std::min(want, n_);
        std::string s(reinterpret_cast<const char*>(p_), k);
        p_ += k;
        n_ -= k;
        return s;
    }
    std::string rest() { return bytes(n_); }
    bool empty() const { return n_ == 0; }

private:
    const std::uint8_t* p_;
    std::size_t n_;
};

struct Part {
    std::string name;
    bool isFile = false;
    std::string fileName, contentType, data;
    bool operator==(const Part&) const = default;
};

struct Recorder final : MultipartHandler {
    std::vector<Part> parts;
    bool inPart = false, finished = false;
    std::size_t dataBytes = 0;
    std::size_t maxField = 0;

    Status onPartBegin(const PartInfo& p) override {
        FUZZ_ASSERT(!inPart && !finished);
        inPart = true;
        parts.push_back({p.name, p.isFile(), p.fileName.value_or(""), p.contentType, {}});
        return {};
    }
    Status onPartData(std::string_view b) override {
        FUZZ_ASSERT(inPart && !b.empty());
        dataBytes += b.size();
        parts.back().data.append(b);
        FUZZ_ASSERT(parts.back().isFile || parts.back().data.size() <= maxField);
        return {};
    }
    Status onPartEnd() override {
        FUZZ_ASSERT(inPart);
        inPart = false;
        return {};
    }
    Status onFinished() override {
        FUZZ_ASSERT(!inPart && !finished);
        finished = true;
        return {};
    }
};

struct Outcome {
    bool ok = false;
    ErrorCode code{};
    std::string message;
    std::vector<Part> parts;
};

MultipartLimits fuzzLimits() {
    MultipartLimits l;
    l.maxFieldBytes = 512;  // small bounds so the fuzzer reaches the limit paths
    l.maxParts = 8;
    l.maxPartHeaderBytes = 256;
    l.maxPartHeaderLines = 6;
    l.maxPreambleBytes = 64;
    l.maxEpilogueBytes = 16;
    return l;
}

// chunkSeed 0: one piece; 1: byte by byte; else pseudo-random sizes.
Outcome parse(std::string_view boundary, std::string_view body, std::uint32_t chunkSeed) {
    Recorder rec;
    rec.maxField = fuzzLimits().maxFieldBytes;
    auto parser = MultipartParser::create(boundary, rec, fuzzLimits());
    FUZZ_ASSERT(parser.ok());
    Status st;
    std::uint32_t rng = chunkSeed | 1;
    std::size_t pos = 0;
    while (st.ok() && pos < body.size()) {
        std::size_t n = body.size() - pos;
        if (chunkSeed == 1) {
            n = 1;
        } else if (chunkSeed != 0) {
            rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
            n = std::min<std::size_t>(n, 1 + rng % 97);
        }
        st = parser->feed(body.substr(pos, n));
        pos += n;
    }
    if (st.ok()) st = parser->finish();
    FUZZ_ASSERT(rec.dataBytes <= body.size());
    Outcome out;
    out.ok = st.ok();
    if (!st.ok()) {
        out.code = st.error().code;
        out.message = st.error().message;
        FUZZ_ASSERT(!rec.finished);
        // A failed parser must keep failing.
        auto again = parser->feed("x");
        FUZZ_ASSERT(!again.ok());
    } else {
        FUZZ_ASSERT(rec.finished);
    }
    out.parts = std::move(rec.parts);
    return out;
}

void fuzzRaw(Input& in) {
    std::uint32_t seed = in.u32();
    std::string boundary = in.bytes(in.byte() % 72);
    if (!MultipartParser::validateBoundary(boundary).ok()) boundary = "b";
    std::string body = in.rest();
    Outcome whole = parse(boundary, body, 0);
    Outcome bytewise = parse(boundary, body, 1);
    Outcome random = parse(boundary, body, seed < 2 ? seed + 2 : seed);
    for (const Outcome* o : {&bytewise, &random}) {
        FUZZ_ASSERT(o->ok == whole.ok);
        FUZZ_ASSERT(o->code == whole.code);
        FUZZ_ASSERT(o->message == whole.message);
        if (whole.ok) {
            FUZZ_ASSERT(o->parts == whole.parts);
            continue;
        }
        // On an error, how much of the failing part's data was delivered before it may depend on chunking
        // (a whole chunk over a field's bound is refused at once); everything else must agree.
        FUZZ_ASSERT(o->parts.size() == whole.parts.size());
        for (std::size_t i = 0; i < o->parts.size(); ++i) {
            const Part& a = o->parts[i];
            const Part& b = whole.parts[i];
            FUZZ_ASSERT(a.name == b.name && a.isFile == b.isFile && a.fileName == b.fileName &&
                        a.contentType == b.contentType);
            const std::string& shorter = a.data.size() < b.data.size() ? a.data : b.data;
            const std::string& longer = a.data.size() < b.data.size() ? b.data : a.data;
            FUZZ_ASSERT(longer.compare(0, shorter.size(), shorter) == 0);
            if (i + 1 < o->parts.size()) FUZZ_ASSERT(a.data == b.data);
        }
    }
}

void fuzzGenerated(Input& in) {
    std::uint32_t seed = in.u32();
    std::string boundary = "fz" + std::to_string(in.u32());
    std::vector<Part> parts;
    std::size_t count = 1 + in.byte() % 4;
    for (std::size_t i = 0; i < count && !in.empty(); ++i) {
        Part p;
        p.name = "f" + std::to_string(i);
        p.isFile = in.byte() & 1;
        if (p.isFile) {
            p.fileName = "n" + std::to_string(in.byte()) + ".jpg";
            p.contentType = "image/jpeg";
        }
        // Contents are raw fuzz bytes: CR, LF and dashes included, so near-delimiters appear.
        p.data = in.bytes(p.isFile ? in.byte() * 4 : in.byte());
        parts.push_back(std::move(p));
    }
    std::string body;
    for (const auto& p : parts) {
        body += "--" + boundary + "\r\n";
        body += "Content-Disposition: form-data; name=\"" + p.name + "\"";
        if (p.isFile) body += "; filename=\"" + p.fileName + "\"\r\nContent-Type: " + p.contentType;
        body += "\r\n\r\n" + p.data + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    // A content that happens to contain the delimiter is not a well-formed body; the raw mode covers it.
    for (const auto& p : parts) {
        if (("\r\n" + p.data + "\r\n").find("\r\n--" + boundary) != std::string::npos) return;
    }
    Outcome out = parse(boundary, body, seed < 2 ? seed + 2 : seed);
    FUZZ_ASSERT(out.ok);
    FUZZ_ASSERT(out.parts == parts);
    Outcome bytewise = parse(boundary, body, 1);
    FUZZ_ASSERT(bytewise.ok && bytewise.parts == parts);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);  // libFuzzer's entry
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Input in(data, size);
    if (in.byte() & 1) {
        fuzzGenerated(in);
    } else {
        fuzzRaw(in);
    }
    return 0;
}
