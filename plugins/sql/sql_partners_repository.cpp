// Partners. Both directions are index lookups: the primary key (shared_by_id, shared_with_id) and the reverse
// index partners_shared_with (shared_with_id, shared_by_id) of each plugin's partners migration.
#include "sql_partners_repository.hpp"

#include "sql_asset_rows.hpp"

namespace obscura::sql {

namespace {

constexpr std::string_view kPartnerSelect =
    "SELECT shared_by_id, shared_with_id, in_timeline, created_at, created_at_us FROM partners";

std::vector<storage::PartnerRecord> readPartners(Rows& rows) {
    std::vector<storage::PartnerRecord> out;
    while (rows.next()) {
        storage::PartnerRecord p;
        p.sharedById = rows.text(0);
        p.sharedWithId = rows.text(1);
        p.inTimeline = rows.boolean(2);
        p.createdAt = rows.text(3);
        p.createdAtUs = rows.int64(4);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

Status SqlPartnersRepository::createPartner(const storage::PartnerRecord& p) {
    if (p.sharedById == p.sharedWithId) return invalid("a user cannot be their own partner");
    return guarded(s_, "create partner", [&]() -> Status {
        s_.prepare(
              "INSERT INTO partners (shared_by_id, shared_with_id, in_timeline, created_at, created_at_us)"
              " VALUES (?, ?, ?, ?, ?)")
            .bind(p.sharedById, p.sharedWithId, p.inTimeline, p.createdAt, p.createdAtUs)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::PartnerRecord>> SqlPartnersRepository::findPartner(const std::string& sharedById,
                                                                                   const std::string& sharedWithId) {
    return guarded(s_, "find partner", [&]() -> Expected<std::optional<storage::PartnerRecord>> {
        auto stmt = s_.prepare(std::string(kPartnerSelect) + " WHERE shared_by_id = ? AND shared_with_id = ?");
        auto rows = stmt.bind(sharedById, sharedWithId).query();
        auto found = readPartners(rows);
        if (found.empty()) return std::optional<storage::PartnerRecord>{};
        return std::optional<storage::PartnerRecord>(std::move(found.front()));
    });
}

Expected<std::vector<storage::PartnerRecord>> SqlPartnersRepository::listSharedBy(const std::string& userId) {
    return guarded(s_, "list partners shared by", [&]() -> Expected<std::vector<storage::PartnerRecord>> {
        auto stmt =
            s_.prepare(std::string(kPartnerSelect) + " WHERE shared_by_id = ? ORDER BY created_at_us, shared_with_id");
        auto rows = stmt.bind(userId).query();
        return readPartners(rows);
    });
}

Expected<std::vector<storage::PartnerRecord>> SqlPartnersRepository::listSharedWith(const std::string& userId) {
    return guarded(s_, "list partners shared with", [&]() -> Expected<std::vector<storage::PartnerRecord>> {
        auto stmt =
            s_.prepare(std::string(kPartnerSelect) + " WHERE shared_with_id = ? ORDER BY created_at_us, shared_by_id");
        auto rows = stmt.bind(userId).query();
        return readPartners(rows);
    });
}

Expected<bool> SqlPartnersRepository::setInTimeline(const std::string& sharedById, const std::string& sharedWithId,
                                                    bool inTimeline) {
    return guarded(s_, "set partner in timeline", [&]() -> Expected<bool> {
        // Matched, not changed, rows: MySQL counts an UPDATE to the same value as 0 unless asked otherwise, so
        // the pair's existence is read first.
        auto exists = s_.prepare("SELECT 1 FROM partners WHERE shared_by_id = ? AND shared_with_id = ?");
        if (!exists.bind(sharedById, sharedWithId).query().next()) return false;
        s_.prepare("UPDATE partners SET in_timeline = ? WHERE shared_by_id = ? AND shared_with_id = ?")
            .bind(inTimeline, sharedById, sharedWithId)
            .execute();
        return true;
    });
}

Expected<bool> SqlPartnersRepository::deletePartner(const std::string& sharedById, const std::string& sharedWithId) {
    return guarded(s_, "delete partner", [&]() -> Expected<bool> {
        return s_.prepare("DELETE FROM partners WHERE shared_by_id = ? AND shared_with_id = ?")
                   .bind(sharedById, sharedWithId)
                   .execute() > 0;
    });
}

Expected<std::optional<storage::AssetRecord>> SqlPartnersRepository::findSharedAsset(const std::string& receiverId,
                                                                                     const std::string& assetId) {
    return guarded(s_, "find shared asset", [&]() -> Expected<std::optional<storage::AssetRecord>> {
        // The asset by its primary key, then the partnership by its primary key: two point lookups.
        auto stmt = s_.prepare("SELECT " + std::string(kAssetColumns) +
                               " FROM assets AS a JOIN partners AS p ON p.shared_by_id = a.owner_id"
                               " WHERE a.id = ? AND p.shared_with_id = ? AND a.is_trashed = 0 AND a.is_archived = 0");
        auto rows = stmt.bind(assetId, receiverId).query();
        if (!rows.next()) return std::optional<storage::AssetRecord>{};
        return std::optional<storage::AssetRecord>(readAssetRow(rows));
    });
}

Expected<std::vector<storage::PartnerLibrary>> SqlPartnersRepository::timelineLibraries(const std::string& userId) {
    return guarded(s_, "partner libraries", [&]() -> Expected<std::vector<storage::PartnerLibrary>> {
        // One round trip for the set and the versions: a cached page that shows partners is keyed on both.
        auto stmt = s_.prepare(
            "SELECT p.shared_by_id, COALESCE(v.version, 0) FROM partners AS p"
            " LEFT JOIN library_versions AS v ON v.owner_id = p.shared_by_id"
            " WHERE p.shared_with_id = ? AND p.in_timeline = 1 ORDER BY p.shared_by_id");
        auto rows = stmt.bind(userId).query();
        std::vector<storage::PartnerLibrary> out;
        while (rows.next()) out.push_back({rows.text(0), rows.int64(1)});
        return out;
    });
}

}  // namespace obscura::sql
