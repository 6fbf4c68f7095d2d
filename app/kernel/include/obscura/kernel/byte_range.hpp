#pragma once
// The Range request header (RFC 9110 section 14) for served files. One range is served as 206; several
// ranges are answered with the whole file (200), which RFC 9110 allows and which spares us multipart/
// byteranges; a header we cannot read is ignored (also allowed: Range is an optimisation).
#include <cstdint>
#include <string_view>

namespace obscura {

struct ByteRange {
    enum class Kind {
        Full,           // no usable Range: send everything (200)
        Partial,        // one satisfiable range (206)
        Unsatisfiable,  // a well-formed range that starts past the end (416, Content-Range: bytes */size)
    };
    Kind kind = Kind::Full;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;  // Partial only; never 0
};

// `header` is the Range value ("bytes=0-99", "bytes=-500", "bytes=100-"); `size` the file's length.
ByteRange parseByteRange(std::string_view header, std::uint64_t size);

}  // namespace obscura
