#include "assets/derivative_tracker.hpp"

#include "assets/derivative_signal.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/images/events.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace {

bool tracked(const std::string& kind) {
    return kind == storage::kDerivativeThumbnail || kind == storage::kDerivativePreview ||
           kind == storage::kDerivativeVideo;
}

// Bytes of the blobs under derived/<owner>/<asset>/; nullopt when the store cannot list them.
std::optional<std::int64_t> prefixBytes(blobs::BlobStore& blobs, const std::string& prefix) {
    std::int64_t total = 0;
    std::string next;
    do {
        auto page = blobs.list(prefix, next, 1000);
        if (!page) return std::nullopt;
        for (const auto& entry : page->entries) total += static_cast<std::int64_t>(entry.size);
        next = std::move(page->next);
    } while (!next.empty());
    return total;
}

}  // namespace

DerivativeTracker::DerivativeTracker(storage::Storage& storage, blobs::BlobStore& blobs)
    : storage_(storage), blobs_(blobs) {}

void DerivativeTracker::start(Bus& bus) {
    created_ =
        bus.subscribe<DerivativeCreated>("images.derivatives", [this](const DerivativeCreated& e) { onCreated(e); });
    failed_ = bus.subscribe<DerivativeFailed>("images.derivatives", [this](const DerivativeFailed& e) { onFailed(e); });
}

void DerivativeTracker::stop() {
    created_.reset();
    failed_.reset();
}

namespace {

// media records the state itself before its job ends (AssetSource::recordDerivative); the event that follows
// then finds it written and costs a read, not another durable write.
bool alreadyRecorded(storage::Storage& storage, const std::string& ownerId, const std::string& assetId,
                     const std::string& kind, const std::string& state, std::int64_t version) {
    // A failed read is "not recorded": the write that follows is the safe side.
    const auto row =
        withRepos(storage, [&](storage::Repositories& repos) { return repos.images().findAsset(ownerId, assetId); });
    if (!row || !*row) return false;
    const storage::AssetRecord& asset = **row;
    const auto& d = kind == storage::kDerivativeThumbnail ? asset.thumbnail
                    : kind == storage::kDerivativePreview ? asset.preview
                                                          : asset.video;
    return d.state == state && (state != storage::kDerivativeReady || d.version >= version);
}

}  // namespace

void DerivativeTracker::onCreated(const DerivativeCreated& event) {
    if (!tracked(event.kind) ||
        alreadyRecorded(storage_, event.ownerId, event.assetId, event.kind, storage::kDerivativeReady, event.version))
        return;
    if (auto s = record(event.assetId, event.ownerId, event.kind, storage::kDerivativeReady, event.version); !s)
        log::warn("images: cannot record " + event.kind + " ready for asset " + event.assetId + ": " +
                  s.error().message);
}

void DerivativeTracker::onFailed(const DerivativeFailed& event) {
    if (!tracked(event.kind) ||
        alreadyRecorded(storage_, event.ownerId, event.assetId, event.kind, storage::kDerivativeFailed, 0))
        return;
    if (auto s = record(event.assetId, event.ownerId, event.kind, storage::kDerivativeFailed, 0); !s)
        log::warn("images: cannot record " + event.kind + " failed for asset " + event.assetId + ": " +
                  s.error().message);
}

Status DerivativeTracker::record(const std::string& assetId, const std::string& ownerId, const std::string& kind,
                                 const std::string& state, std::int64_t version) {
    return record(assetId, ownerId, std::vector<Change>{{kind, state, version}});
}

Status DerivativeTracker::record(const std::string& assetId, const std::string& ownerId,
                                 const std::vector<Change>& changes) {
    std::optional<std::int64_t> bytes;
    if (isUuid(ownerId) && isUuid(assetId)) bytes = prefixBytes(blobs_, "derived/" + ownerId + "/" + assetId + "/");
    auto status = storage_.transaction([&](storage::Repositories& repos) -> Status {
        for (const auto& c : changes) {
            if (!tracked(c.kind)) continue;  // conversions (mp3, …) are not part of the asset object
            OBSCURA_TRY(write, repos.images().setDerivativeState(assetId, c.kind, c.state, c.version, bytes));
            (void)write;  // NotFound: the asset was deleted meanwhile, nothing to keep current
        }
        return {};
    });
    DerivativeSignal::notifyAll();
    return status;
}

}  // namespace obscura::images
