#pragma once
// Bounds-checked reading of untrusted binary headers: a cursor over bytes in memory and a positional file
// reader. Every header parser in this module goes through these, so no parser indexes raw buffers itself.
#include <cstdint>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::formats {

// Reads integers and byte runs from a buffer. Reading past the end yields zeros/empty and sets failed(),
// which parsers check once after a group of reads instead of before each one.
class ByteCursor {
public:
    explicit ByteCursor(std::string_view bytes) : s_(bytes) {}

    bool failed() const { return failed_; }
    std::size_t position() const { return pos_; }
    std::size_t remaining() const { return s_.size() - pos_; }

    std::string_view bytes(std::size_t n) {
        if (n > remaining()) {
            failed_ = true;
            pos_ = s_.size();
            return {};
        }
        auto out = s_.substr(pos_, n);
        pos_ += n;
        return out;
    }
    void skip(std::size_t n) { bytes(n); }
    std::uint8_t u8() { return static_cast<std::uint8_t>(uintBE(1)); }
    std::uint16_t be16() { return static_cast<std::uint16_t>(uintBE(2)); }
    std::uint32_t be32() { return static_cast<std::uint32_t>(uintBE(4)); }
    std::uint64_t be64() { return uintBE(8); }
    std::uint16_t le16() { return static_cast<std::uint16_t>(uintLE(2)); }
    std::uint32_t le24() { return static_cast<std::uint32_t>(uintLE(3)); }
    std::uint32_t le32() { return static_cast<std::uint32_t>(uintLE(4)); }

    // Big-endian unsigned of 0..8 bytes (ISO-BMFF's iloc uses 0, 4 or 8 byte fields).
    std::uint64_t uintBE(std::size_t n) {
        std::uint64_t v = 0;
        for (unsigned char c : bytes(n)) v = v << 8 | c;
        return v;
    }
    std::uint64_t uintLE(std::size_t n) {
        std::uint64_t v = 0;
        auto b = bytes(n);
        for (std::size_t i = b.size(); i-- > 0;) v = v << 8 | static_cast<unsigned char>(b[i]);
        return v;
    }

private:
    std::string_view s_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

// pread-based reads from a file, with the file size known up front so that offsets from headers are
// checked against it before anything is allocated.
class FileReader {
public:
    static Expected<FileReader> open(const std::string& path);
    FileReader(FileReader&& other) noexcept : fd_(other.fd_), size_(other.size_) { other.fd_ = -1; }
    FileReader& operator=(FileReader&&) = delete;
    FileReader(const FileReader&) = delete;
    ~FileReader();

    std::uint64_t size() const { return size_; }
    // Exactly n bytes at offset; a range beyond the end of the file is UnsupportedMediaType naming `what`
    // (a header that points outside its file is a corrupt or hostile file).
    Expected<std::string> read(std::uint64_t offset, std::size_t n, std::string_view what) const;
    // Up to n bytes at offset (fewer at the end of the file).
    Expected<std::string> readUpTo(std::uint64_t offset, std::size_t n) const;

private:
    FileReader(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
    int fd_ = -1;
    std::uint64_t size_ = 0;
};

}  // namespace obscura::formats
