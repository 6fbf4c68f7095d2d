#include "duplicates/related_service.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "access/access_service.hpp"
#include "duplicates/asset_place.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

constexpr int kLookDistance = 24;  // look > 0 below this many bits
constexpr int kSimilarProbe = 7;  // the band lookup's reach (17 values a band: 25 ms at 1,000,000 hashes, 137 cost 186)
constexpr std::int64_t kDayUs = 24LL * 3600 * 1'000'000;
constexpr double kPlaceKm = 5;
constexpr int kPerSource = 60;  // candidates taken from each lookup

std::string lowerAscii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

}  // namespace

Expected<std::vector<RelatedAsset>> RelatedService::related(const std::string& callerId, const std::string& assetId,
                                                            int limit) {
    OBSCURA_TRY(grant, access_.visibleAsset(callerId, assetId));
    const storage::AssetRecord& self = grant.asset;
    std::vector<std::string> owners = {self.ownerId};
    if (callerId != self.ownerId) owners.push_back(callerId);
    const auto place = placeOf(self);

    std::optional<std::uint64_t> hash;
    std::vector<std::string> candidates;
    OBSCURA_TRY_STATUS(withRepos(storage_, [&](storage::Repositories& r) -> Status {
        auto& dupes = r.dupes();
        OBSCURA_TRY(mine, dupes.findPerceptualHash(self.id));
        auto add = [&](const std::vector<std::string>& ids) {
            candidates.insert(candidates.end(), ids.begin(), ids.end());
        };
        if (mine) {
            hash = mine->hash;
            OBSCURA_TRY(similar, dupes.findSimilarHashes(owners, mine->hash, kSimilarProbe, kPerSource));
            for (const auto& m : similar) candidates.push_back(m.assetId);
        }
        OBSCURA_TRY(sameDay, dupes.findTakenBetween(owners, self.takenAtUs - kDayUs, self.takenAtUs + kDayUs,
                                                    self.takenAtUs, kPerSource));
        add(sameDay);
        if (place) {
            const double dLat = kPlaceKm / 111.0;
            const double dLon = kPlaceKm / (111.0 * std::max(0.01, std::cos(place->latitude * M_PI / 180)));
            OBSCURA_TRY(near, dupes.findPlacedNear(owners, place->latitude, place->longitude, dLat, dLon, kPerSource));
            add(near);
        }
        OBSCURA_TRY(tagged, dupes.findSharingTags(owners, self.tags, kPerSource));
        add(tagged);
        return {};
    }));

    std::set<std::string> selfTags;
    for (const auto& t : self.tags) selfTags.insert(lowerAscii(t));
    std::set<std::string> seen = {self.id};
    std::vector<RelatedAsset> out;
    for (const auto& id : candidates) {
        if (!seen.insert(id).second) continue;
        // The access rules decide, candidate by candidate: a partner's archived photo or an album-mate's photo
        // outside the shared album never comes back.
        OBSCURA_TRY(visible, access_.asset(callerId, id));
        if (!visible || visible->asset.isTrashed) continue;
        RelatedAsset item;
        item.asset = std::move(visible->asset);
        double score = 0;
        if (hash) {
            OBSCURA_TRY(theirs, withRepos(storage_, [&](storage::Repositories& r) {
                            return r.dupes().findPerceptualHash(item.asset.id);
                        }));
            if (theirs) {
                item.hashDistance = __builtin_popcountll(*hash ^ theirs->hash);
                if (*item.hashDistance < kLookDistance)
                    score += 4.0 * (1.0 - *item.hashDistance / double(kLookDistance));
            }
        }
        const std::int64_t gap = std::llabs(item.asset.takenAtUs - self.takenAtUs);
        item.hoursApart = static_cast<double>(gap) / 3.6e9;
        if (gap < kDayUs) score += 2.0 * (1.0 - static_cast<double>(gap) / kDayUs);
        if (const auto there = placeOf(item.asset); place && there) {
            item.kilometres = kilometresBetween(*place, *there);
            if (*item.kilometres < kPlaceKm) score += 2.0 * (1.0 - *item.kilometres / kPlaceKm);
        }
        std::set<std::string> theirTags;
        for (const auto& t : item.asset.tags) theirTags.insert(lowerAscii(t));
        std::size_t together = selfTags.size();
        for (const auto& t : item.asset.tags) {
            if (selfTags.count(lowerAscii(t))) item.sharedTags.push_back(t);
        }
        together += theirTags.size() - item.sharedTags.size();
        if (!item.sharedTags.empty())
            score += 2.0 * static_cast<double>(item.sharedTags.size()) / static_cast<double>(together);
        item.score = std::round(score * 1000) / 1000;
        if (item.score > 0) out.push_back(std::move(item));
    }
    std::sort(out.begin(), out.end(), [&](const RelatedAsset& a, const RelatedAsset& b) {
        if (a.score != b.score) return a.score > b.score;
        if (a.hoursApart != b.hoursApart) return a.hoursApart < b.hoursApart;
        return a.asset.id < b.asset.id;
    });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
}

}  // namespace obscura::images
