#include "migrate_blobs.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include "blob_digest.hpp"
#include "blob_loader.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/config.hpp"

namespace obscura {
namespace {

// Reads `key` whole, hashing it; with `copyTo`, also writes the bytes there (the temp file the target is put from).
Expected<Digest> readObject(blobs::BlobStore& store, const std::string& key, const std::string& copyTo = "") {
    auto read = digestBlob(store, key, copyTo);
    if (!read) return Error(read.error().code, "migrate-blobs: " + read.error().message);
    return read;
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
