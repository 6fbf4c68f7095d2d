#pragma once
#include "obscura/storage/direct_uploads_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// Direct uploads waiting for their confirm, on one borrowed connection.
class SqlDirectUploadsRepository final : public storage::DirectUploadsRepository {
public:
    explicit SqlDirectUploadsRepository(Session& session) : s_(session) {}

    Status createDirectUpload(const storage::DirectUploadRecord& upload) override;
    Expected<std::optional<storage::DirectUploadRecord>> findDirectUpload(const std::string& id) override;
    Expected<bool> markDirectUploadReceived(const std::string& id) override;
    Expected<bool> deleteDirectUpload(const std::string& id) override;
    Expected<std::vector<storage::DirectUploadRecord>> listExpiredDirectUploads(std::int64_t nowUs, int limit) override;

private:
    Session& s_;
};

}  // namespace obscura::sql
