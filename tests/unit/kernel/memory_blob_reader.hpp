#pragma once
// A BlobReader over bytes in memory, for the kernel tests' stand-in blob stores.
#include <algorithm>
#include <string>

#include "obscura/blobs/blob_store.hpp"

namespace obscura::test {

class MemoryBlobReader final : public blobs::BlobReader {
public:
    MemoryBlobReader(std::string bytes, blobs::BlobInfo info) : bytes_(std::move(bytes)), info_(std::move(info)) {}
    const blobs::BlobInfo& info() const override { return info_; }
    std::uint64_t remaining() const override { return bytes_.size() - position_; }
    Expected<std::size_t> read(char* buffer, std::size_t capacity) override {
        const std::size_t n = std::min(capacity, bytes_.size() - position_);
        bytes_.copy(buffer, n, position_);
        position_ += n;
        return n;
    }

private:
    std::string bytes_;
    blobs::BlobInfo info_;
    std::size_t position_ = 0;
};

}  // namespace obscura::test
