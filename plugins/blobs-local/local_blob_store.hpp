#pragma once
// blobs.plugin = local: every key is a file under the data dir, at the key's own relative path (DESIGN §4),
// so a data dir written before blob stores existed is read as it is. put() renames a finished temp file into
// place in the order §4 requires — fsync(file) → create missing folders (0700) → rename → fsync(folder) →
// fsync(the parent of each folder created, deepest first) — so the new bytes are whole and durable before the
// caller commits a row. Readers hold an open descriptor: an overwrite or removal meanwhile is not seen.
// list() walks the folders in key order and never shows tmp/, work/, lost+found/, the data dir's own top-level files
// (database, secret) or dot-files (a writer's temp files).
#include <memory>
#include <string>

#include "obscura/blobs/blob_store.hpp"

namespace obscura::blobs::local {

class LocalBlobStore final : public BlobStore {
public:
    explicit LocalBlobStore(BlobStoreOptions options);

    std::string_view name() const override { return "local"; }
    Status ping() override;
    Status put(std::string_view key, const std::string& tempPath, const PutOptions& options) override;
    Expected<std::unique_ptr<BlobReader>> open(std::string_view key, const BlobRange& range) override;
    Expected<BlobInfo> stat(std::string_view key) override;
    Status remove(std::string_view key) override;
    Status removePrefix(std::string_view prefix) override;
    Expected<BlobPage> list(std::string_view prefix, const std::string& continuation, std::size_t limit) override;
    std::optional<PresignedRequest> presignGet(std::string_view, std::int64_t, const PresignGetOptions&) override {
        return std::nullopt;  // the server serves the bytes itself
    }
    std::optional<PresignedRequest> presignPut(std::string_view, std::int64_t, const PutOptions&) override {
        return std::nullopt;
    }
    std::optional<std::string> localPath(std::string_view key) const override;

private:
    std::string pathOf(std::string_view key) const { return root_ + "/" + std::string(key); }
    void observe(std::string_view op, bool ok, double seconds, std::uint64_t bytes) const;

    BlobStoreOptions options_;
    std::string root_;
};

class LocalBlobStoreFactory final : public BlobStoreFactory {
public:
    Expected<std::unique_ptr<BlobStore>> open(const BlobStoreOptions& options) override;
};

}  // namespace obscura::blobs::local
