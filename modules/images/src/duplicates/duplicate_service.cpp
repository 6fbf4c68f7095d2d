#include "duplicates/duplicate_service.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "access/access_service.hpp"
#include "assets/asset_service.hpp"
#include "duplicates/hash_grouping.hpp"
#include "obscura/formats/sha1.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

constexpr int kHashPage = 50'000;  // hashes read per statement: bounds one read, not the total

// A UUID-shaped name for a set of ids: SHA-1 of the sorted ids, version nibble 5 as RFC 4122 name-based UUIDs.
std::string groupIdOf(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    auto sha = formats::Sha1::create();
    if (!sha) return ids.front();  // OpenSSL gone: any stable member id still names the group
    for (const auto& id : ids) {
        sha->update(id);
        sha->update(",");
    }
    auto digest = sha->finish();
    digest[6] = static_cast<std::uint8_t>((digest[6] & 0x0F) | 0x50);
    digest[8] = static_cast<std::uint8_t>((digest[8] & 0x3F) | 0x80);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0x0F];
    }
    return out;
}

std::vector<storage::AssetPair> pairsAmong(const std::vector<std::string>& ids) {
    std::vector<storage::AssetPair> pairs;
    for (std::size_t i = 0; i < ids.size(); ++i)
        for (std::size_t j = i + 1; j < ids.size(); ++j)
            if (ids[i] != ids[j]) pairs.emplace_back(std::min(ids[i], ids[j]), std::max(ids[i], ids[j]));
    return pairs;
}

}  // namespace

DuplicateService::DuplicateService(storage::Storage& storage, AccessService& access, AssetService& assets,
                                   int defaultDistance)
    : storage_(storage), access_(access), assets_(assets), defaultDistance_(defaultDistance) {}

Expected<std::vector<DuplicateGroup>> DuplicateService::groups(const std::string& ownerId, int distance) {
    std::vector<std::string> ids;
    std::vector<std::uint64_t> hashes;
    for (std::string after;;) {
        OBSCURA_TRY(page, withRepos(storage_, [&](storage::Repositories& r) {
                        return r.dupes().listOwnerHashes(ownerId, after, kHashPage);
                    }));
        for (auto& h : page) {
            ids.push_back(std::move(h.assetId));
            hashes.push_back(h.hash);
        }
        if (static_cast<int>(page.size()) < kHashPage) break;
        after = ids.back();
    }
    const HashPairs found = pairsWithin(hashes, distance, kMaxPairs);
    hashes = {};

    // Only the assets in some pair are read: live images stay, and pairs the owner dismissed go.
    std::unordered_map<std::uint32_t, storage::AssetRecord> live;
    std::set<storage::AssetPair> dismissed;
    OBSCURA_TRY_STATUS(withRepos(storage_, [&](storage::Repositories& r) -> Status {
        OBSCURA_TRY(pairs, r.dupes().listDismissedPairs(ownerId));
        dismissed.insert(pairs.begin(), pairs.end());
        for (const auto& p : found.pairs) {
            for (std::uint32_t index : {p.first, p.second}) {
                if (live.count(index)) continue;
                OBSCURA_TRY(asset, r.images().findAsset(ownerId, ids[index]));
                if (asset && asset->type == "image" && !asset->isTrashed) live.emplace(index, std::move(*asset));
            }
        }
        return {};
    }));
    // Components over the involved items only, renumbered densely.
    std::unordered_map<std::uint32_t, std::uint32_t> dense;
    std::vector<std::uint32_t> original;
    std::vector<HashPair> kept;
    auto denseOf = [&](std::uint32_t index) {
        auto [it, inserted] = dense.emplace(index, static_cast<std::uint32_t>(original.size()));
        if (inserted) original.push_back(index);
        return it->second;
    };
    for (const auto& p : found.pairs) {
        if (!live.count(p.first) || !live.count(p.second)) continue;
        const auto& a = ids[p.first];
        const auto& b = ids[p.second];
        if (dismissed.count({std::min(a, b), std::max(a, b)})) continue;
        kept.push_back({denseOf(p.first), denseOf(p.second), p.distance});
    }
    std::vector<DuplicateGroup> out;
    for (const auto& members : componentsOf(original.size(), kept)) {
        DuplicateGroup group;
        std::vector<std::string> memberIds;
        for (auto m : members) {
            group.assets.push_back(live.at(original[m]));
            memberIds.push_back(ids[original[m]]);
        }
        std::sort(group.assets.begin(), group.assets.end(), [](const auto& x, const auto& y) {
            return x.takenAtUs != y.takenAtUs ? x.takenAtUs < y.takenAtUs : x.id < y.id;
        });
        group.duplicateId = groupIdOf(std::move(memberIds));
        out.push_back(std::move(group));
    }
    std::sort(out.begin(), out.end(), [](const DuplicateGroup& x, const DuplicateGroup& y) {
        const auto& a = x.assets.back();
        const auto& b = y.assets.back();
        return a.takenAtUs != b.takenAtUs ? a.takenAtUs > b.takenAtUs : x.duplicateId < y.duplicateId;
    });
    return out;
}

Expected<std::vector<ResolveOutcome>> DuplicateService::resolve(const std::string& ownerId,
                                                                const std::vector<DuplicateResolution>& resolutions) {
    std::vector<ResolveOutcome> outcomes;
    for (const auto& resolution : resolutions) {
        ResolveOutcome outcome{resolution.duplicateId, true, ""};
        std::vector<std::string> all = resolution.keepAssetIds;
        all.insert(all.end(), resolution.trashAssetIds.begin(), resolution.trashAssetIds.end());
        for (const auto& id : all) {
            OBSCURA_TRY(grant, access_.asset(ownerId, id));
            if (!grant) {
                outcome = {resolution.duplicateId, false, "not_found"};
                break;
            }
            if (!AccessService::allow(*grant, AssetAction::Trash)) {
                outcome = {resolution.duplicateId, false, "forbidden"};
                break;
            }
        }
        if (outcome.success) {
            for (const auto& id : resolution.trashAssetIds) {
                OBSCURA_TRY(trashed, assets_.trash(ownerId, id));
                (void)trashed;  // false: deleted meanwhile, which is what the caller wanted
            }
            // Kept and trashed alike are no duplicates of each other any more: the owner decided.
            auto pairs = pairsAmong(all);
            OBSCURA_TRY_STATUS(withRepos(
                storage_, [&](storage::Repositories& r) { return r.dupes().dismissDuplicatePairs(ownerId, pairs); }));
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

Expected<bool> DuplicateService::dismiss(const std::string& ownerId, const std::string& duplicateId, int distance) {
    OBSCURA_TRY(all, groups(ownerId, distance));
    for (const auto& group : all) {
        if (group.duplicateId != duplicateId) continue;
        std::vector<std::string> ids;
        for (const auto& asset : group.assets) ids.push_back(asset.id);
        auto pairs = pairsAmong(ids);
        OBSCURA_TRY_STATUS(withRepos(
            storage_, [&](storage::Repositories& r) { return r.dupes().dismissDuplicatePairs(ownerId, pairs); }));
        return true;
    }
    return false;
}

}  // namespace obscura::images
