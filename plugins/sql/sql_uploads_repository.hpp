#pragma once
#include "obscura/storage/uploads_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// Resumable uploads in progress (tus / IETF draft), on one borrowed connection.
class SqlUploadsRepository final : public storage::UploadsRepository {
public:
    explicit SqlUploadsRepository(Session& session) : s_(session) {}

    Status createUpload(const storage::UploadRecord& upload) override;
    Expected<std::optional<storage::UploadRecord>> findUpload(const std::string& ownerId,
                                                              const std::string& id) override;
    Expected<bool> claimWriter(const std::string& id, const std::string& writer, std::int64_t offset,
                               std::int64_t nowUs, std::int64_t untilUs) override;
    Expected<bool> renewWriter(const std::string& id, const std::string& writer, std::int64_t untilUs) override;
    Expected<bool> advanceOffset(const std::string& id, const std::string& writer, std::int64_t fromOffset,
                                 std::int64_t toOffset, std::optional<std::int64_t> length, const std::string& state,
                                 std::int64_t expiresAtUs, bool release) override;
    Status releaseWriter(const std::string& id, const std::string& writer) override;
    Status finishUpload(const std::string& id, const std::string& state, const std::optional<std::string>& assetId,
                        const std::string& error, std::int64_t expiresAtUs) override;
    Expected<bool> deleteUpload(const std::string& ownerId, const std::string& id) override;
    Expected<std::vector<storage::UploadRecord>> listExpiredUploads(std::int64_t nowUs, int limit) override;
    Status removeUpload(const std::string& id) override;
    Status createUploadParts(const std::string& id, const std::string& partsId) override;
    Status setUploadParts(const std::string& id, const std::string& partsJson) override;
    Expected<std::vector<storage::UploadRecord>> listUploadsOf(const std::string& ownerId) override;

private:
    Session& s_;
};

}  // namespace obscura::sql
