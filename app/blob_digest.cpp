#include "blob_digest.hpp"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include "obscura/blobs/blob_store.hpp"

namespace obscura {

namespace {

// Hashes what `read` gives (bytes read, 0 at the end) and copies it to copyTo when one is named.
template <typename Read>
Expected<Digest> digest(Read&& read, const std::string& copyTo) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    std::ofstream out;
    if (!copyTo.empty()) {
        out.open(copyTo, std::ios::binary | std::ios::trunc);
        if (!out) return internalError("cannot write " + copyTo + ": " + std::strerror(errno));
    }
    Digest result;
    std::string buffer(1 << 20, '\0');
    for (;;) {
        OBSCURA_TRY(n, read(buffer.data(), buffer.size()));
        if (n == 0) break;
        EVP_DigestUpdate(ctx.get(), buffer.data(), n);
        if (out.is_open()) out.write(buffer.data(), static_cast<std::streamsize>(n));
        result.size += n;
    }
    if (out.is_open()) {
        out.flush();
        if (!out) return internalError("cannot write " + copyTo + ": " + std::strerror(errno));
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < length; ++i) {
        result.sha256.push_back(kHex[md[i] >> 4]);
        result.sha256.push_back(kHex[md[i] & 15]);
    }
    return result;
}

}  // namespace

Expected<Digest> digestBlob(blobs::BlobStore& store, const std::string& key, const std::string& copyTo) {
    OBSCURA_TRY(reader, store.open(key, {}));
    return digest([&](char* buffer, std::size_t capacity) { return reader->read(buffer, capacity); }, copyTo);
}

Expected<Digest> digestFile(const std::string& path, const std::string& copyTo) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return notFound(path + ": " + std::strerror(errno));
    return digest(
        [&](char* buffer, std::size_t capacity) -> Expected<std::size_t> {
            in.read(buffer, static_cast<std::streamsize>(capacity));
            if (in.bad()) return internalError("cannot read " + path);
            return static_cast<std::size_t>(in.gcount());
        },
        copyTo);
}

}  // namespace obscura
