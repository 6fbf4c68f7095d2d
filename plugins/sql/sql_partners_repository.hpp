#pragma once
#include "obscura/storage/partners_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// Partners (who shares their library with whom), on one borrowed connection.
class SqlPartnersRepository final : public storage::PartnersRepository {
public:
    explicit SqlPartnersRepository(Session& session) : s_(session) {}

    Status createPartner(const storage::PartnerRecord& partner) override;
    Expected<std::optional<storage::PartnerRecord>> findPartner(const std::string& sharedById,
                                                                const std::string& sharedWithId) override;
    Expected<std::vector<storage::PartnerRecord>> listSharedBy(const std::string& userId) override;
    Expected<std::vector<storage::PartnerRecord>> listSharedWith(const std::string& userId) override;
    Expected<bool> setInTimeline(const std::string& sharedById, const std::string& sharedWithId,
                                 bool inTimeline) override;
    Expected<bool> deletePartner(const std::string& sharedById, const std::string& sharedWithId) override;
    Expected<std::optional<storage::AssetRecord>> findSharedAsset(const std::string& receiverId,
                                                                  const std::string& assetId) override;
    Expected<std::vector<storage::PartnerLibrary>> timelineLibraries(const std::string& userId) override;

private:
    Session& s_;
};

}  // namespace obscura::sql
