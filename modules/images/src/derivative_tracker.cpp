#include "derivative_tracker.hpp"

#include "derivative_signal.hpp"

#include <filesystem>
#include <system_error>

#include "obscura/images/events.hpp"
#include "obscura/kernel/ids.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::images {

namespace fs = std::filesystem;

namespace {

bool tracked(const std::string& kind) {
    return kind == storage::kDerivativeThumbnail || kind == storage::kDerivativePreview ||
           kind == storage::kDerivativeVideo;
}

// Bytes of the regular files under derived/<owner>/<asset>/ (symlinks not followed); nullopt when unreadable.
std::optional<std::int64_t> folderBytes(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) return std::int64_t{0};
    std::int64_t total = 0;
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        if (it->is_regular_file(ec) && !it->is_symlink(ec)) total += static_cast<std::int64_t>(it->file_size(ec));
        if (ec) return std::nullopt;
    }
    if (ec) return std::nullopt;
    return total;
}

}  // namespace

DerivativeTracker::DerivativeTracker(storage::Storage& storage, std::string dataDir)
    : storage_(storage), dataDir_(std::move(dataDir)) {}

void DerivativeTracker::start(Bus& bus) {
    created_ = bus.subscribe<DerivativeCreated>("images.derivatives",
                                                [this](const DerivativeCreated& e) { onCreated(e); });
    failed_ = bus.subscribe<DerivativeFailed>("images.derivatives", [this](const DerivativeFailed& e) { onFailed(e); });
}

void DerivativeTracker::stop() {
    created_.reset();
    failed_.reset();
}

void DerivativeTracker::onCreated(const DerivativeCreated& event) {
    record(event.assetId, event.ownerId, event.kind, storage::kDerivativeReady, event.version);
}

void DerivativeTracker::onFailed(const DerivativeFailed& event) {
    record(event.assetId, event.ownerId, event.kind, storage::kDerivativeFailed, 0);
}

void DerivativeTracker::record(const std::string& assetId, const std::string& ownerId, const std::string& kind,
                               const std::string& state, std::int64_t version) {
    if (!tracked(kind)) return;  // conversions (mp3, …) are not part of the asset object
    std::optional<std::int64_t> bytes;
    if (isUuid(ownerId) && isUuid(assetId)) bytes = folderBytes(fs::path(dataDir_) / "derived" / ownerId / assetId);
    auto status = storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(write, repos.images().setDerivativeState(assetId, kind, state, version, bytes));
        (void)write;  // NotFound: the asset was deleted meanwhile, nothing to keep current
        return {};
    });
    DerivativeSignal::notifyAll();
    if (!status) log::warn("images: cannot record " + kind + " " + state + " for asset " + assetId + ": " +
                           status.error().message);
}

}  // namespace obscura::images
