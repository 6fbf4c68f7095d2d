#include "migrate_blobs.hpp"

#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "blob_loader.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/config.hpp"

namespace obscura {
namespace {

struct Digest {
    std::string sha256;  // hex
    std::uint64_t size = 0;
};

// Reads `key` whole, hashing it; with `copyTo`, also writes the bytes there (the temp file the target is put from).
Expected<Digest> readObject(blobs::BlobStore& store, const std::string& key, const std::string& copyTo = "") {
    OBSCURA_TRY(reader, store.open(key, {}));
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    std::ofstream out;
    if (!copyTo.empty()) {
        out.open(copyTo, std::ios::binary | std::ios::trunc);
        if (!out) return internalError("migrate-blobs: cannot write " + copyTo);
    }
    Digest digest;
    std::string buffer(1 << 20, '\0');
    for (;;) {
        OBSCURA_TRY(n, reader->read(buffer.data(), buffer.size()));
        if (n == 0) break;
        EVP_DigestUpdate(ctx.get(), buffer.data(), n);
        if (out.is_open()) out.write(buffer.data(), static_cast<std::streamsize>(n));
        digest.size += n;
    }
    if (out.is_open()) {
        out.flush();
        if (!out) return internalError("migrate-blobs: cannot write " + copyTo);
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &length);
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned int i = 0; i < length; ++i) {
        digest.sha256.push_back(kHex[md[i] >> 4]);
        digest.sha256.push_back(kHex[md[i] & 15]);
    }
    return digest;
}

std::string mib(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
    return text;
}

}  // namespace

Expected<std::string> migrateBlobs(const Config& config, const MigrateBlobsOptions& options, std::ostream& progress) {
    if (options.from == options.to) return invalid("migrate-blobs: --from and --to name the same store");
    const std::string dataDir = std::filesystem::absolute(config.getString("server.dataDir")).string();
    OBSCURA_TRY(source, openNamedBlobStore(config, options.from, dataDir, nullptr));
    OBSCURA_TRY(target, openNamedBlobStore(config, options.to, dataDir, nullptr));
    const std::string tmpDir = dataDir + "/tmp/migrate-blobs";
    std::error_code ec;
    std::filesystem::create_directories(tmpDir, ec);
    if (ec) return internalError("migrate-blobs: cannot create " + tmpDir + ": " + ec.message());
    const std::string temp = tmpDir + "/object.part";

    std::uint64_t objects = 0, copied = 0, present = 0, bytes = 0;
    auto lastReport = std::chrono::steady_clock::now();
    auto report = [&](bool force) {
        const auto now = std::chrono::steady_clock::now();
        if (!force && now - lastReport < std::chrono::seconds(2)) return;
        lastReport = now;
        progress << "migrate-blobs: " << objects << " objects verified (" << copied << " copied, " << present
                 << " already there), " << mib(bytes) << std::endl;
    };

    std::string continuation;
    do {
        OBSCURA_TRY(page, source->list("", continuation, 1000));
        for (const auto& entry : page.entries) {
            // tmp/ holds writes in progress and lost+found/ what fsck set aside: neither is library content.
            if (entry.key.rfind("tmp/", 0) == 0 || entry.key.rfind("lost+found/", 0) == 0) continue;
            OBSCURA_TRY(original, readObject(*source, entry.key, temp));
            bool alreadyThere = false;
            if (auto existing = target->stat(entry.key); existing && existing->size == original.size) {
                OBSCURA_TRY(there, readObject(*target, entry.key));
                alreadyThere = there.sha256 == original.sha256;
            } else if (!existing && existing.error().code != ErrorCode::NotFound) {
                return Error(existing.error().code, "migrate-blobs: " + entry.key + ": " + existing.error().message);
            }
            if (alreadyThere) {
                ++present;
            } else {
                if (auto put = target->put(entry.key, temp, {}); !put) {
                    return Error(put.error().code, "migrate-blobs: " + entry.key + ": " + put.error().message);
                }
                OBSCURA_TRY(written, readObject(*target, entry.key));
                if (written.size != original.size || written.sha256 != original.sha256) {
                    return internalError("migrate-blobs: " + entry.key + " did not verify in " + options.to +
                                         " (size or SHA-256 differs); run again");
                }
                ++copied;
            }
            ++objects;
            bytes += original.size;
            report(false);
        }
        continuation = page.next;
    } while (!continuation.empty());
    std::filesystem::remove(temp, ec);
    report(true);
    return "migrate-blobs: done, " + std::to_string(objects) + " objects in " + options.to +
           " verified by size and SHA-256 (" + std::to_string(copied) + " copied, " + std::to_string(present) +
           " already there), " + mib(bytes) + "\n";
}

}  // namespace obscura
