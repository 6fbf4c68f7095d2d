#include "obscura/images/images_module.hpp"

#include "access/access_service.hpp"
#include "albums/album_routes.hpp"
#include "albums/album_service.hpp"
#include "albums/album_sharing_service.hpp"
#include "albums/group_service.hpp"
#include "asset_bytes.hpp"
#include "assets/asset_file_jobs.hpp"
#include "assets/asset_routes.hpp"
#include "assets/asset_service.hpp"
#include "assets/derivative_tracker.hpp"
#include "assets/listing_cache.hpp"
#include "assets/statistics_routes.hpp"
#include "assets/stored_asset_source.hpp"
#include "direct/direct_upload_service.hpp"
#include "duplicates/duplicate_routes.hpp"
#include "duplicates/duplicate_service.hpp"
#include "duplicates/related_service.hpp"
#include "finding/finding_routes.hpp"
#include "library/images_usage.hpp"
#include "library/trash_purger.hpp"
#include "obscura/auth/auth_module.hpp"
#include "obscura/auth/events.hpp"
#include "obscura/auth/user_deletion.hpp"
#include "obscura/images/library_import.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "obscura/storage/storage.hpp"
#include "partners/partner_routes.hpp"
#include "partners/partner_service.hpp"
#include "sharing/share_link_routes.hpp"
#include "sharing/share_link_service.hpp"
#include "upload/library_import_service.hpp"
#include "upload/uncommitted_original.hpp"
#include "upload/upload_routes.hpp"

namespace obscura::images {

namespace {

class UserFilesHook final : public auth::UserDeletionHook {
public:
    UserFilesHook(const Clock& clock, AssetBytes& bytes) : clock_(clock), bytes_(bytes) {}
    Status onUserDeleted(storage::Repositories& tx, const std::string& userId) override {
        return enqueueUserFilesDeletion(tx, userId, clock_);
    }
    Status beforeUserDeleted(storage::Repositories& tx, const std::string& userId) override {
        return bytes_.beforeUserDeleted(tx, userId);
    }

private:
    const Clock& clock_;
    AssetBytes& bytes_;
};

}  // namespace

struct ImagesModule::Impl {
    Impl(const Config& config, ModuleContext& ctx)
        : access(ctx.storage()),
          assets(ctx.storage(), ctx.bus(), ctx.jobs()),
          albums(ctx.storage(), ctx.clock()),
          partners(ctx.storage(), ctx.bus(), ctx.clock()),
          albumSharing(ctx.storage(), ctx.clock(), ctx.bus()),
          groups(ctx.storage(), ctx.clock()),
          purger(assets, static_cast<int>(config.getInt("images.trashDays")), ctx.clock()),
          derivatives(ctx.storage(), ctx.blobs()),
          bytes(config, ctx),
          source(ctx.storage(), derivatives, bytes.bandwidth()),
          listingCache(static_cast<std::size_t>(config.getInt("images.listingCacheBytes"))),
          mapCache(static_cast<std::size_t>(config.getInt("images.mapCacheBytes"))),
          // Share links guard their passwords with auth's hasher and sign-in throttle.
          shareLinks(ctx.storage(), ctx.get<auth::AuthModule>().passwordGuard(), ctx.clock()),
          // Near-duplicates and related photos (issue 22).
          duplicates(ctx.storage(), access, assets, static_cast<int>(config.getInt("images.duplicateDistance"))),
          related(ctx.storage(), access) {}

    AccessService access;  // who may do what to an asset: every route naming one asks it
    AssetService assets;
    AlbumService albums;
    PartnerService partners;
    AlbumSharingService albumSharing;
    GroupService groups;
    TrashPurger purger;
    DerivativeTracker derivatives;
    AssetBytes bytes;  // upload, downloads, temp area, start-up library check
    StoredAssetSource source;
    ListingCache listingCache;
    ListingCache mapCache;  // GET /api/map/markers' answers: a few MB each, so not among the listing pages
    Bus::Subscription userDeleted;
    ShareLinkService shareLinks;
    DuplicateService duplicates;
    RelatedService related;
};

ImagesModule::ImagesModule(const Config& config, ModuleContext& ctx)
    : ctx_(ctx), impl_(std::make_unique<Impl>(config, ctx)) {
    // Job kinds must exist before the queue starts, i.e. now, not at onAllLoaded().
    if (auto status = registerFileJobs(ctx.jobs(), ctx.blobs()); !status)
        throw ModuleStartError("images: " + status.error().message);
    if (auto status = registerDirectUploadJobs(ctx.jobs(), ctx.storage(), ctx.blobs()); !status)
        throw ModuleStartError("images: " + status.error().message);
    if (auto status = registerUncommittedOriginalJob(ctx.jobs(), ctx.storage(), ctx.blobs()); !status)
        throw ModuleStartError("images: " + status.error().message);
}

ImagesModule::~ImagesModule() = default;

AssetSource& ImagesModule::assetSource() { return impl_->source; }

Status ImagesModule::onAllLoaded() {
    auto& router = ctx_.router();
    auto& storage = ctx_.storage();
    // Literal paths first in the table for readability; the router prefers literals over {id} regardless.
    OBSCURA_TRY_STATUS(router.add(statisticsRoute(storage)));
    OBSCURA_TRY_STATUS(router.add(mediaTypesRoute()));
    OBSCURA_TRY_STATUS(router.add(bulkUploadCheckRoute(storage)));
    OBSCURA_TRY_STATUS(impl_->bytes.addRoutes(router));
    const Listings listings{storage, impl_->listingCache};
    const AlbumRouteDeps albumDeps{impl_->albums, impl_->albumSharing, impl_->groups, impl_->access, ctx_.services()};
    std::vector<std::vector<Route>> groups = {listingRoutes(listings),
                                              searchRoutes(listings),
                                              timelineRoutes(storage),
                                              assetRoutes(impl_->assets, impl_->access),
                                              trashRoutes(listings, impl_->assets),
                                              albumRoutes(albumDeps),
                                              albumAssetRoutes(albumDeps),
                                              albumMemberRoutes(albumDeps),
                                              groupRoutes(albumDeps),
                                              partnerRoutes(impl_->partners, ctx_.services())};
    groups.push_back(shareLinkRoutes(impl_->shareLinks));
    groups.push_back(sharedRoutes(impl_->shareLinks, impl_->bytes.downloads()));
    groups.push_back(duplicateRoutes(impl_->duplicates));
    groups.push_back(relatedRoutes(impl_->related));
    // Finding photos again (issue 22).
    groups.push_back(mapRoutes(storage, impl_->mapCache));
    groups.push_back(memoryRoutes(storage, ctx_.clock()));
    for (auto& group : groups)
        for (auto& route : group) OBSCURA_TRY_STATUS(router.add(std::move(route)));

    ctx_.services().put<auth::UsageProvider>(std::make_shared<ImagesUsage>(storage, ctx_.clock()));
    ctx_.services().put<LibraryImport>(
        std::make_shared<LibraryImportService>(impl_->bytes.upload(), impl_->albums, ctx_.dataDir()));
    impl_->derivatives.start(ctx_.bus());

    // The user's files go through a durable job enqueued in the transaction that deletes the user (auth calls
    // this hook there), so a crash right after the deletion cannot leave them behind.
    ctx_.services().put<auth::UserDeletionHook>(std::make_shared<UserFilesHook>(ctx_.clock(), impl_->bytes));
    impl_->userDeleted =
        ctx_.bus().subscribe<auth::UserDeleted>("images.userFiles", [this](const auth::UserDeleted& deleted) {
            ctx_.jobs().wake(kDeleteUserFilesJob);
            impl_->bytes.userDeleted(deleted.id);  // noted in the deleting transaction on this replica, if here
        });

    if (impl_->purger.trashDays() == 0) impl_->assets.onTrashed([this] { impl_->purger.poke(); });
    impl_->purger.start();
    impl_->bytes.start();
    return {};
}

void ImagesModule::onStopping() noexcept {
    impl_->bytes.stop();
    impl_->purger.stop();
    impl_->userDeleted.reset();
    impl_->derivatives.stop();
}

}  // namespace obscura::images
