// Perceptual hashes (asset_phashes, its band indexes), dismissed pairs (duplicate_dismissals) and the candidate
// queries of related photos. Hamming distances are counted here, not in SQL: SQLite has no popcount, and the
// bands already cut the rows to compare to a handful.
#include "sql_dupes_repository.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <tuple>
#include <unordered_set>

#include "sql_atomic.hpp"
#include "sql_dialect.hpp"

namespace obscura::sql {

namespace {

constexpr int kProbeChunk = 64;  // band values per statement: one statement text per band, padded
constexpr int kTagChunk = 16;    // tags per statement, padded the same way
constexpr int kScanFrom = 16;    // from this distance on, probing (2517+ values a band) costs more than a scan

std::int64_t stored(std::uint64_t hash) { return static_cast<std::int64_t>(hash); }
std::uint64_t loaded(std::int64_t value) { return static_cast<std::uint64_t>(value); }
int distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

// Every 16-bit value within `radius` bits of `value`.
void neighbours(int value, int radius, int firstBit, std::vector<int>& out) {
    out.push_back(value);
    if (radius == 0) return;
    for (int bit = firstBit; bit < storage::kHashBandBits; ++bit)
        neighbours(value ^ (1 << bit), radius - 1, bit + 1, out);
}

std::string placeholders(int n) {
    std::string text;
    for (int i = 0; i < n; ++i) text += i == 0 ? "?" : ", ?";
    return text;
}

// Merges per-owner answers (each already in order) by their score, keeping at most limit.
template <typename Item, typename Less>
std::vector<Item> firstOf(std::vector<Item> items, Less less, int limit) {
    std::stable_sort(items.begin(), items.end(), less);
    if (static_cast<int>(items.size()) > limit) items.resize(static_cast<std::size_t>(std::max(0, limit)));
    return items;
}

}  // namespace

Status SqlDupesRepository::putPerceptualHash(const storage::PerceptualHashRecord& r) {
    return guarded(s_, "put perceptual hash", [&]() -> Status {
        return atomically(s_, [&]() -> Status {
            auto exists = s_.prepare("SELECT owner_id FROM assets WHERE id = ?");
            auto rows = exists.bind(r.assetId).query();
            if (!rows.next()) return Error(ErrorCode::NotFound, "asset " + r.assetId + " is gone");
            const auto& d = s_.dialect();
            s_.prepare(
                  "INSERT INTO asset_phashes (asset_id, owner_id, phash, band0, band1, band2, band3, latitude,"
                  " longitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)" +
                  d.onConflict("asset_id") + "phash = " + d.inserted("phash") + ", band0 = " + d.inserted("band0") +
                  ", band1 = " + d.inserted("band1") + ", band2 = " + d.inserted("band2") +
                  ", band3 = " + d.inserted("band3") + ", latitude = " + d.inserted("latitude") +
                  ", longitude = " + d.inserted("longitude"))
                .bind(r.assetId, r.ownerId, stored(r.hash), storage::hashBand(r.hash, 0), storage::hashBand(r.hash, 1),
                      storage::hashBand(r.hash, 2), storage::hashBand(r.hash, 3), r.latitude, r.longitude)
                .execute();
            return {};
        });
    });
}

Expected<std::optional<storage::PerceptualHashRecord>> SqlDupesRepository::findPerceptualHash(
    const std::string& assetId) {
    return guarded(s_, "find perceptual hash", [&]() -> Expected<std::optional<storage::PerceptualHashRecord>> {
        auto stmt = s_.prepare(
            "SELECT asset_id, owner_id, phash, latitude, longitude FROM asset_phashes"
            " WHERE asset_id = ?");
        auto rows = stmt.bind(assetId).query();
        if (!rows.next()) return std::optional<storage::PerceptualHashRecord>{};
        storage::PerceptualHashRecord r;
        r.assetId = rows.text(0);
        r.ownerId = rows.text(1);
        r.hash = loaded(rows.int64(2));
        r.latitude = rows.optionalReal(3);
        r.longitude = rows.optionalReal(4);
        return std::optional<storage::PerceptualHashRecord>(std::move(r));
    });
}

Expected<std::vector<storage::HashedAsset>> SqlDupesRepository::listOwnerHashes(const std::string& ownerId,
                                                                                const std::string& afterId, int limit) {
    return guarded(s_, "list owner hashes", [&]() -> Expected<std::vector<storage::HashedAsset>> {
        // asset_phashes_owner (owner_id, asset_id, phash) covers it: no row of assets is read.
        auto stmt = s_.prepare(
            "SELECT asset_id, phash FROM asset_phashes WHERE owner_id = ? AND asset_id > ?"
            " ORDER BY asset_id LIMIT ?");
        auto rows = stmt.bind(ownerId, afterId, std::clamp(limit, 1, 100000)).query();
        std::vector<storage::HashedAsset> out;
        while (rows.next()) out.push_back({rows.text(0), loaded(rows.int64(1))});
        return out;
    });
}

Expected<std::vector<storage::HashMatch>> SqlDupesRepository::findSimilarHashes(
    const std::vector<std::string>& ownerIds, std::uint64_t hash, int maxDistance, int limit) {
    return guarded(s_, "find similar hashes", [&]() -> Expected<std::vector<storage::HashMatch>> {
        maxDistance = std::clamp(maxDistance, 0, 64);
        std::vector<storage::HashMatch> found;
        std::unordered_set<std::string> seen;
        auto keep = [&](Rows& rows) {
            while (rows.next()) {
                std::string id = rows.text(0);
                const std::uint64_t other = loaded(rows.int64(1));
                const int d = distance(hash, other);
                if (d <= maxDistance && seen.insert(id).second) found.push_back({std::move(id), other, d});
            }
        };
        const int radius = maxDistance / storage::kHashBands;
        for (const auto& ownerId : ownerIds) {
            if (maxDistance >= kScanFrom) {
                auto stmt = s_.prepare(
                    "SELECT h.asset_id, h.phash FROM asset_phashes h JOIN assets a ON a.id = h.asset_id"
                    " WHERE h.owner_id = ? AND a.is_trashed = 0");
                auto rows = stmt.bind(ownerId).query();
                keep(rows);
                continue;
            }
            for (int band = 0; band < storage::kHashBands; ++band) {
                std::vector<int> values;
                neighbours(storage::hashBand(hash, band), radius, 0, values);
                const std::string sql =
                    "SELECT h.asset_id, h.phash FROM asset_phashes h JOIN assets a ON a.id ="
                    " h.asset_id WHERE h.owner_id = ? AND h.band" +
                    std::to_string(band) + " IN (" + placeholders(kProbeChunk) + ") AND a.is_trashed = 0";
                for (std::size_t start = 0; start < values.size(); start += kProbeChunk) {
                    auto stmt = s_.prepare(sql);
                    stmt.set(1, ownerId);
                    for (int i = 0; i < kProbeChunk; ++i) {
                        // Padding repeats the chunk's last value: the same text for every chunk, one cached plan.
                        const std::size_t at = std::min(start + static_cast<std::size_t>(i), values.size() - 1);
                        stmt.set(2 + i, values[at]);
                    }
                    auto rows = stmt.query();
                    keep(rows);
                }
            }
        }
        return firstOf(
            std::move(found),
            [](const storage::HashMatch& a, const storage::HashMatch& b) {
                return a.distance != b.distance ? a.distance < b.distance : a.assetId < b.assetId;
            },
            limit);
    });
}

Expected<std::vector<storage::UnhashedAsset>> SqlDupesRepository::listUnhashedImages(const std::string& afterId,
                                                                                     int limit) {
    return guarded(s_, "list unhashed images", [&]() -> Expected<std::vector<storage::UnhashedAsset>> {
        auto stmt = s_.prepare(
            "SELECT a.id, a.owner_id FROM assets a LEFT JOIN asset_phashes h ON h.asset_id = a.id"
            " WHERE a.id > ? AND a.type = 'image' AND a.thumbnail_state = 'ready' AND h.asset_id IS NULL"
            " ORDER BY a.id LIMIT ?");
        auto rows = stmt.bind(afterId, std::clamp(limit, 1, 10000)).query();
        std::vector<storage::UnhashedAsset> out;
        while (rows.next()) out.push_back({rows.text(0), rows.text(1)});
        return out;
    });
}

Expected<std::int64_t> SqlDupesRepository::countUnhashedImages() {
    return guarded(s_, "count unhashed images", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare(
            "SELECT COUNT(*) FROM assets a LEFT JOIN asset_phashes h ON h.asset_id = a.id"
            " WHERE a.type = 'image' AND a.thumbnail_state = 'ready' AND h.asset_id IS NULL");
        auto rows = stmt.query();
        return rows.next() ? rows.int64(0) : 0;
    });
}

Status SqlDupesRepository::dismissDuplicatePairs(const std::string& ownerId,
                                                 const std::vector<storage::AssetPair>& pairs) {
    return guarded(s_, "dismiss duplicate pairs", [&]() -> Status {
        return atomically(s_, [&]() -> Status {
            for (const auto& [a, b] : pairs) {
                if (a == b) continue;
                s_.prepare(std::string(s_.dialect().insertIgnore) +
                           " INTO duplicate_dismissals (owner_id, asset_a, asset_b) VALUES (?, ?, ?)")
                    .bind(ownerId, std::min(a, b), std::max(a, b))
                    .execute();
            }
            return {};
        });
    });
}

Expected<std::vector<storage::AssetPair>> SqlDupesRepository::listDismissedPairs(const std::string& ownerId) {
    return guarded(s_, "list dismissed pairs", [&]() -> Expected<std::vector<storage::AssetPair>> {
        auto stmt = s_.prepare(
            "SELECT asset_a, asset_b FROM duplicate_dismissals WHERE owner_id = ?"
            " ORDER BY asset_a, asset_b");
        auto rows = stmt.bind(ownerId).query();
        std::vector<storage::AssetPair> out;
        while (rows.next()) out.emplace_back(rows.text(0), rows.text(1));
        return out;
    });
}

Expected<std::vector<std::string>> SqlDupesRepository::findTakenBetween(const std::vector<std::string>& ownerIds,
                                                                        std::int64_t fromUs, std::int64_t toUs,
                                                                        std::int64_t aroundUs, int limit) {
    return guarded(s_, "find assets taken between", [&]() -> Expected<std::vector<std::string>> {
        std::vector<std::pair<std::int64_t, std::string>> found;  // (|Δt|, id)
        for (const auto& ownerId : ownerIds) {
            auto stmt = s_.prepare(
                "SELECT id, taken_at_us FROM assets WHERE owner_id = ? AND is_trashed = 0 AND taken_at_us >= ?"
                " AND taken_at_us < ? AND is_hidden = 0 ORDER BY ABS(taken_at_us - ?), id LIMIT ?");
            auto rows = stmt.bind(ownerId, fromUs, toUs, aroundUs, limit).query();
            while (rows.next()) {
                const std::int64_t gap = rows.int64(1) - aroundUs;
                found.emplace_back(gap < 0 ? -gap : gap, rows.text(0));
            }
        }
        std::vector<std::string> ids;
        for (auto& [gap, id] : firstOf(std::move(found), std::less<>(), limit)) ids.push_back(std::move(id));
        return ids;
    });
}

Expected<std::vector<std::string>> SqlDupesRepository::findPlacedNear(const std::vector<std::string>& ownerIds,
                                                                      double latitude, double longitude, double dLat,
                                                                      double dLon, int limit) {
    return guarded(s_, "find assets placed near", [&]() -> Expected<std::vector<std::string>> {
        std::vector<std::pair<double, std::string>> found;  // (squared degrees, id)
        for (const auto& ownerId : ownerIds) {
            auto stmt = s_.prepare(
                "SELECT h.asset_id, h.latitude, h.longitude FROM asset_phashes h JOIN assets a ON a.id = h.asset_id"
                " WHERE h.owner_id = ? AND h.latitude BETWEEN ? AND ? AND h.longitude BETWEEN ? AND ?"
                " AND a.is_trashed = 0 ORDER BY (h.latitude - ?) * (h.latitude - ?) +"
                " (h.longitude - ?) * (h.longitude - ?), h.asset_id LIMIT ?");
            auto rows = stmt.bind(ownerId, latitude - dLat, latitude + dLat, longitude - dLon, longitude + dLon,
                                  latitude, latitude, longitude, longitude, limit)
                            .query();
            while (rows.next()) {
                const double a = rows.real(1) - latitude, b = rows.real(2) - longitude;
                found.emplace_back(a * a + b * b, rows.text(0));
            }
        }
        std::vector<std::string> ids;
        for (auto& [d, id] : firstOf(std::move(found), std::less<>(), limit)) ids.push_back(std::move(id));
        return ids;
    });
}

Expected<std::vector<std::string>> SqlDupesRepository::findSharingTags(const std::vector<std::string>& ownerIds,
                                                                       const std::vector<std::string>& tags,
                                                                       int limit) {
    return guarded(s_, "find assets sharing tags", [&]() -> Expected<std::vector<std::string>> {
        if (tags.empty()) return std::vector<std::string>{};
        const auto& d = s_.dialect();
        std::vector<std::string> keys;
        for (const auto& tag : tags) {
            if (keys.size() < kTagChunk) keys.push_back(d.tagKey(tag));
        }
        // (shared tags, newest taken, id) per asset, best first.
        std::vector<std::tuple<std::int64_t, std::int64_t, std::string>> found;
        for (const auto& ownerId : ownerIds) {
            auto stmt = s_.prepare("SELECT t.asset_id, COUNT(*), MAX(a.taken_at_us) FROM " + std::string(d.tagJoin) +
                                   " WHERE t.owner_id = ? AND " + std::string(d.tagKeyColumn) + " IN (" +
                                   placeholders(kTagChunk) +
                                   ") AND a.is_trashed = 0 AND a.is_hidden = 0 GROUP BY t.asset_id"
                                   " ORDER BY COUNT(*) DESC, MAX(a.taken_at_us) DESC, t.asset_id LIMIT ?");
            stmt.set(1, ownerId);
            for (int i = 0; i < kTagChunk; ++i) stmt.set(2 + i, keys[std::min<std::size_t>(i, keys.size() - 1)]);
            stmt.set(2 + kTagChunk, limit);
            auto rows = stmt.query();
            while (rows.next()) found.emplace_back(-rows.int64(1), -rows.int64(2), rows.text(0));
        }
        std::vector<std::string> ids;
        for (auto& item : firstOf(std::move(found), std::less<>(), limit)) ids.push_back(std::move(std::get<2>(item)));
        return ids;
    });
}

}  // namespace obscura::sql
