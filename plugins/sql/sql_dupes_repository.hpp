#pragma once
#include "obscura/storage/dupes_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// Perceptual hashes, dismissed duplicate pairs and related-photo candidates, on one borrowed connection.
class SqlDupesRepository final : public storage::DupesRepository {
public:
    explicit SqlDupesRepository(Session& session) : s_(session) {}

    Status putPerceptualHash(const storage::PerceptualHashRecord& record) override;
    Expected<std::optional<storage::PerceptualHashRecord>> findPerceptualHash(const std::string& assetId) override;
    Expected<std::vector<storage::HashedAsset>> listOwnerHashes(const std::string& ownerId, const std::string& afterId,
                                                                int limit) override;
    Expected<std::vector<storage::HashMatch>> findSimilarHashes(const std::vector<std::string>& ownerIds,
                                                                std::uint64_t hash, int maxDistance,
                                                                int limit) override;
    Expected<std::vector<storage::UnhashedAsset>> listUnhashedImages(const std::string& afterId, int limit) override;
    Expected<std::int64_t> countUnhashedImages() override;
    Status dismissDuplicatePairs(const std::string& ownerId, const std::vector<storage::AssetPair>& pairs) override;
    Expected<std::vector<storage::AssetPair>> listDismissedPairs(const std::string& ownerId) override;
    Expected<std::vector<std::string>> findTakenBetween(const std::vector<std::string>& ownerIds, std::int64_t fromUs,
                                                        std::int64_t toUs, std::int64_t aroundUs, int limit) override;
    Expected<std::vector<std::string>> findPlacedNear(const std::vector<std::string>& ownerIds, double latitude,
                                                      double longitude, double dLat, double dLon, int limit) override;
    Expected<std::vector<std::string>> findSharingTags(const std::vector<std::string>& ownerIds,
                                                       const std::vector<std::string>& tags, int limit) override;

private:
    Session& s_;
};

}  // namespace obscura::sql
