#include "asset_bytes.hpp"

#include <filesystem>

#include "direct/direct_upload_routes.hpp"
#include "direct/direct_upload_service.hpp"
#include "download_handler.hpp"
#include "library/bandwidth_meter.hpp"
#include "library/library_layout.hpp"
#include "library/orphan_census.hpp"
#include "obscura/auth/auth_module.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/module.hpp"
#include "obscura/kernel/router.hpp"
#include "resumable/resumable_routes.hpp"
#include "resumable/resumable_service.hpp"
#include "upload/asset_importer.hpp"
#include "upload/upload_routes.hpp"

namespace obscura::images {

namespace {

std::string prepareTmp(const Config& config, ModuleContext& ctx, const std::string& dataDir) {
    // SQLite is one process by design and App empties tmp/ at start; any other database may be shared by
    // replicas, each with its own folder.
    const bool exclusive = config.getString("storage.plugin") == "sqlite";
    const std::string instance = ctx.jobs().instanceId();
    if (!exclusive) {
        if (auto prepared = prepareInstanceTmp(dataDir, instance); !prepared)
            throw ModuleStartError("images: " + prepared.error().message);
    }
    return uploadTmpDir(dataDir, exclusive, instance);
}

}  // namespace

struct AssetBytes::Impl {
    Impl(const Config& config, ModuleContext& ctx, std::string tmpDir, const std::string& dataDir)
        : importer(ctx.storage(), ctx.blobs(), tmpDir, &ctx.get<auth::AuthModule>().quota(), ctx.clock()),
          upload{ctx.storage(),
                 importer,
                 ctx.get<auth::AuthModule>().quota(),
                 ctx.bus(),
                 ctx.jobs(),
                 std::move(tmpDir),
                 static_cast<std::uint64_t>(config.getInt("images.maxUploadBytes")),
                 ctx.blobs()},
          // Resumable uploads wait in <dataDir>/uploads: on the library's file system, outside tmp/ (emptied at
          // start), shared by replicas that share the data dir.
          resumable(upload, dataDir + "/uploads", upload.maxUploadBytes),
          bandwidth(ctx.storage(), ctx.clock()),
          download{ctx.storage(), bandwidth, ctx.blobs()},
          census(ctx.storage(), ctx.blobs()),
          direct(upload, ctx.blobs(), config.getString("auth.jwtSecret"),
                 config.getInt("images.directUploadTtlSeconds")),
          publicUrl(config.getString("server.publicUrl")) {
        upload.storeCircuit = ctx.blobs().circuit();
        importer.setCommitGrace(std::chrono::seconds(config.getInt("images.uploadCommitGraceSeconds")));
        // Only a store that can presign is redirected to; the s3 keys are read only when s3 is the store.
        if (config.getString("blobs.plugin") == "s3" && config.getBool("blobs.s3.redirectDownloads"))
            download.redirectTtlSeconds = config.getInt("blobs.s3.presignTtlSeconds");
    }

    AssetImporter importer;
    UploadDeps upload;
    ResumableService resumable;
    BandwidthMeter bandwidth;
    DownloadDeps download;
    OrphanCensus census;
    DirectUploadService direct;  // upload-url → PUT → confirm, through `upload`'s import
    std::string publicUrl;
};

AssetBytes::AssetBytes(const Config& config, ModuleContext& ctx) {
    const std::string dataDir = ctx.dataDir();  // absolute (App makes it so)
    std::string tmpDir = prepareTmp(config, ctx, dataDir);
    impl_ = std::make_unique<Impl>(config, ctx, std::move(tmpDir), dataDir);
}

AssetBytes::~AssetBytes() { stop(); }

Status AssetBytes::addRoutes(Router& router) {
    OBSCURA_TRY_STATUS(router.add(uploadRoute(impl_->upload)));
    for (auto& route : downloadRoutes(impl_->download)) OBSCURA_TRY_STATUS(router.add(std::move(route)));
    for (auto& route : directUploadRoutes(impl_->direct, impl_->publicUrl))
        OBSCURA_TRY_STATUS(router.add(std::move(route)));
    for (auto& route : resumableRoutes(impl_->resumable, impl_->upload.maxUploadBytes))
        OBSCURA_TRY_STATUS(router.add(std::move(route)));
    return {};
}

DownloadDeps& AssetBytes::downloads() { return impl_->download; }

BandwidthMeter& AssetBytes::bandwidth() { return impl_->bandwidth; }

UploadDeps& AssetBytes::upload() { return impl_->upload; }

Status AssetBytes::beforeUserDeleted(storage::Repositories& tx, const std::string& userId) {
    return impl_->resumable.noteUploadsOf(tx, userId);
}

void AssetBytes::userDeleted(const std::string& userId) noexcept { impl_->resumable.dropNotedUploadsOf(userId); }

void AssetBytes::start() {
    impl_->bandwidth.start();
    impl_->census.start();
    impl_->resumable.start();
}

void AssetBytes::stop() {
    if (!impl_) return;
    impl_->resumable.stop();
    impl_->census.stop();
    impl_->bandwidth.stop();
}

}  // namespace obscura::images
