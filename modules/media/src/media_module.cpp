#include "obscura/media/media_module.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <thread>

#include "avatar_routes.hpp"
#include "conversion_job.hpp"
#include "conversion_routes.hpp"
#include "derivative_job.hpp"
#include "event_stream.hpp"
#include "features_routes.hpp"
#include "hash_backfill_job.hpp"
#include "obscura/auth/auth_module.hpp"
#include "obscura/auth/avatar_locator.hpp"
#include "obscura/auth/events.hpp"
#include "obscura/auth/user_contacts.hpp"
#include "obscura/images/asset_source.hpp"
#include "obscura/images/events.hpp"
#include "obscura/images/images_module.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/circuit_registry.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "smtp_mailer.hpp"

namespace obscura::media {

namespace {

VipsEngineOptions engineOptions(const Config& config) {
    VipsEngineOptions o;
    o.maxPixels = static_cast<std::uint64_t>(config.getInt("media.maxPixels"));
    o.engineDir = config.getString("media.engineDir");
    return o;
}

std::optional<FfmpegRunner> findFfmpeg() {
    auto runner = FfmpegRunner::create();
    if (!runner) {
        log::warn("media: " + runner.error().message + ": videos get no thumbnail, video or conversions");
        return std::nullopt;
    }
    return std::move(*runner);
}

std::optional<RawRenderer> findRawRenderer() {
    auto helper = RawRenderer::findRawHelper();
    if (!helper) {
        log::warn("media: " + helper.error().message + ": camera RAW photos get no thumbnail or preview");
        return std::nullopt;
    }
    return RawRenderer(std::move(*helper));
}

// work/ is shared by every replica of a shared database (SQLite's is emptied at start): what nothing has touched
// for an hour is a dead job's leftover.
void sweepAbandonedWork(const std::string& dir) {
    namespace fs = std::filesystem;
    const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::error_code statEc;
        if (entry.is_regular_file(statEc) && entry.last_write_time(statEc) < cutoff && !statEc) {
            fs::remove(entry.path(), statEc);
        } else if (entry.is_directory(statEc) && entry.path().filename().string().rfind("raw-", 0) == 0 &&
                   entry.last_write_time(statEc) < cutoff && !statEc) {
            fs::remove_all(entry.path(), statEc);  // a camera RAW's work directory (raw_derivatives.hpp)
        }
    }
}

int workerCount(const Config& config) {
    const auto configured = config.getInt("media.workers");
    if (configured > 0) return static_cast<int>(configured);
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

struct MediaModule::Impl {
    Impl(const Config& config, ModuleContext& ctx)
        : tools{ctx.get<images::ImagesModule>().assetSource(),
                ctx.bus(),
                ctx.blobs(),
                ctx.dataDir() + "/work",
                VipsEngine(engineOptions(config)),
                findFfmpeg(),
                findRawRenderer()},
          routeDeps{tools.assets, ctx.jobs(), ctx.storage(), ctx.blobs()},
          avatarDeps{tools.assets, tools.vips, ctx.blobs(), ctx.dataDir() + "/tmp"},
          workers(workerCount(config)),
          mailer(SmtpSettings::fromConfig(config)),
          contacts(ctx.get<auth::AuthModule>().contacts()),
          publicUrl(config.getString("server.publicUrl")),
          mapTileUrl(config.getString("server.mapTileUrl")) {
        // Trimmed once here: the notices below run on job and bus threads at once and only read it.
        while (!publicUrl.empty() && publicUrl.back() == '/') publicUrl.pop_back();
        // A template the browser fills in: one that could never load a tile is a start-up error, not a blank map.
        const bool web = mapTileUrl.rfind("http://", 0) == 0 || mapTileUrl.rfind("https://", 0) == 0;
        if (!mapTileUrl.empty() &&
            (!web || mapTileUrl.find("{z}") == std::string::npos || mapTileUrl.find("{x}") == std::string::npos ||
             mapTileUrl.find("{y}") == std::string::npos))
            throw ModuleStartError("server.mapTileUrl must be empty or an http(s) URL with {z}, {x} and {y}");
    }

    // server.publicUrl without trailing slashes. A copy: the notices run on several threads at once.
    std::string baseUrl() const {
        std::string url = publicUrl;
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url;
    }

    // The e-mail notice of a finished conversion, when mail is configured and the owner has an address.
    void notify(const storage::JobRecord& job, const ConversionFormat& format) {
        if (!mailer.enabled()) return;
        auto contact = contacts.contact(job.ownerId);
        if (!contact || !*contact || (*contact)->email.empty()) return;
        const std::string link = baseUrl() + "/api/assets/" + job.assetId + "/conversions/" + std::string(format.name);
        const std::string name = (*contact)->displayName.empty() ? (*contact)->username : (*contact)->displayName;
        MailMessage mail;
        mail.to = (*contact)->email;
        mail.subject = "Your " + std::string(format.name) + " is ready";
        mail.text = "Hello " + name + ",\n\nthe " + std::string(format.name) +
                    " you asked Obscura for is ready. Download it (signed in) from:\n\n" + link + "\n";
        if (auto sent = mailer.send(mail); !sent)
            log::warn("media: conversion " + job.id + " is done but the e-mail notice failed: " + sent.error().message);
    }

    // The e-mail notice that someone shared their library with the receiver, when mail is configured and the
    // receiver has an address. On the bus's worker (the event is delivered there), never on a request.
    void notifyPartner(const images::PartnerAdded& added) {
        if (!mailer.enabled()) return;
        auto contact = contacts.contact(added.sharedWithId);
        if (!contact || !*contact || (*contact)->email.empty()) return;
        const std::string name = (*contact)->displayName.empty() ? (*contact)->username : (*contact)->displayName;
        const std::string sharer =
            added.sharedByDisplayName.empty() ? added.sharedByUsername : added.sharedByDisplayName;
        MailMessage mail;
        mail.to = (*contact)->email;
        mail.subject = sharer + " shared their photos with you";
        mail.text = "Hello " + name + ",\n\n" + sharer + " (" + added.sharedByUsername +
                    ") shared their photo library with you on Obscura. Sign in to see it:\n\n" + baseUrl() + "/\n";
        if (auto sent = mailer.send(mail); !sent)
            log::warn("media: the partner.added notice to user " + added.sharedWithId +
                      " failed: " + sent.error().message);
    }

    // The password-reset link someone asked for (auth's user.passwordResetRequested): on the bus's worker, so the
    // request that asked answers in the same time whether an account got mail or not. The link is a credential:
    // it is never logged.
    void mailPasswordReset(const auth::PasswordResetRequested& e) {
        if (!mailer.enabled()) {
            log::warn("media: a password reset was asked for user " + e.userId +
                      " but no mail is sent (media.smtp.host)");
            return;
        }
        MailMessage mail;
        mail.to = e.email;
        mail.subject = "Reset your Obscura password";
        mail.text = "Hello " + (e.displayName.empty() ? e.username : e.displayName) +
                    ",\n\nsomeone (we hope you) asked to reset the password of the Obscura account \"" + e.username +
                    "\". Open this link within " + std::to_string(e.expiresInMinutes) +
                    " minutes to choose a new one; it works once:\n\n" + e.link +
                    "\n\nIf you did not ask for this, ignore this message: your password stays as it is.\n";
        if (auto sent = mailer.send(mail); !sent)
            log::warn("media: the password-reset mail to user " + e.userId + " failed: " + sent.error().message);
    }

    // The e-mail notice of an album shared with someone, when mail is configured and they have an address. Runs
    // on the bus's worker (album.shared), never in the request that shared the album.
    void notifyShared(const images::AlbumShared& e) {
        if (!mailer.enabled()) return;
        auto contact = contacts.contact(e.userId);
        if (!contact || !*contact || (*contact)->email.empty()) return;
        const std::string name = (*contact)->displayName.empty() ? (*contact)->username : (*contact)->displayName;
        MailMessage mail;
        mail.to = (*contact)->email;
        mail.subject = e.ownerName + " shared the album \"" + e.albumName + "\" with you";
        mail.text = "Hello " + name + ",\n\n" + e.ownerName + " shared the album \"" + e.albumName + "\" with you as " +
                    (e.role == "editor" ? "an editor" : "a viewer") + ". Open it (signed in) at:\n\n" + baseUrl() +
                    "/albums/" + e.albumId + "\n";
        if (auto sent = mailer.send(mail); !sent)
            log::warn("media: album " + e.albumId +
                      " was shared but the e-mail notice failed: " + sent.error().message);
    }

    MediaTools tools;
    ConversionRouteDeps routeDeps;
    AvatarDeps avatarDeps;
    EventHub events;
    int workers;
    SmtpMailer mailer;
    auth::UserContacts& contacts;
    std::string publicUrl;
    std::string mapTileUrl;  // server.mapTileUrl, checked at start
    Bus::Subscription partnerMail;
    Bus::Subscription albumShared;
    Bus::Subscription passwordResetMail;
};

MediaModule::MediaModule(const Config& config, ModuleContext& ctx)
    : ctx_(ctx), impl_(std::make_unique<Impl>(config, ctx)) {
    std::error_code ec;
    std::filesystem::create_directories(impl_->tools.tmpDir, ec);
    sweepAbandonedWork(impl_->tools.tmpDir);
    // libvips is loaded (obscura_media_vips.so, dlopen'd) and started with the first image the engine handles,
    // once per process, with the default settings: one thread per pipeline, the job pool being the parallelism.
    // Linked into the executable and started here it cost ≈ 20 MiB of RSS in every idle server (VIPS_INIT loads
    // ImageMagick, poppler, OpenSlide, libheif…; the loader maps librsvg, OpenEXR, HDF5… at exec). Only the file's
    // presence is checked now, so that a broken install says so at start instead of in the first photo's job.
    if (auto installed = VipsEngine::checkInstalled(impl_->tools.vips.engineDir()); !installed) {
        log::warn("media: " + installed.error().message + ": photos get no thumbnail, preview or conversion");
    }

    // Job kinds must exist before the queue starts, i.e. now.
    JobKindOptions derivatives;
    derivatives.kind = images::kDerivativesJob;
    derivatives.workers = impl_->workers;
    derivatives.maxAttempts = 5;
    derivatives.lease = std::chrono::seconds(30);  // kept alive by heartbeats; a dead worker's job waits this long
    auto* tools = &impl_->tools;
    if (auto s =
            ctx.jobs().registerKind(derivatives, [tools](JobContext& job) { return runDerivativesJob(*tools, job); });
        !s)
        throw ModuleStartError("media: " + s.error().message);

    // Perceptual hashes for images older than hashing (issue 22): one job at a time, enqueued at start when needed.
    JobKindOptions backfill;
    backfill.kind = kHashBackfillJob;
    backfill.workers = 1;
    backfill.bounded = true;
    backfill.maxActive = 1;
    backfill.maxAttempts = 10;
    backfill.lease = std::chrono::seconds(60);
    if (auto s =
            ctx.jobs().registerKind(backfill, [tools](JobContext& job) { return runHashBackfillJob(*tools, job); });
        !s)
        throw ModuleStartError("media: " + s.error().message);

    JobKindOptions conversions;
    conversions.kind = kConversionJob;
    conversions.workers = std::max(1, impl_->workers / 2);
    conversions.bounded = true;
    conversions.maxActive = 100;
    conversions.maxAttempts = 3;
    conversions.lease = std::chrono::seconds(30);
    auto* impl = impl_.get();
    ConversionDone done = [impl](const storage::JobRecord& job, const ConversionFormat& format) {
        impl->notify(job, format);
    };
    if (auto s = ctx.jobs().registerKind(
            conversions, [tools, done](JobContext& job) { return runConversionJob(*tools, job, done); });
        !s)
        throw ModuleStartError("media: " + s.error().message);
}

MediaModule::~MediaModule() = default;

namespace {

class AvatarFiles final : public auth::AvatarLocator {
public:
    explicit AvatarFiles(const AvatarDeps& deps) : deps_(deps) {}
    std::optional<std::string> avatarUrl(const std::string& userId) const override {
        return avatarUrlOf(deps_, userId);
    }

private:
    const AvatarDeps& deps_;
};

}  // namespace

Status MediaModule::onAllLoaded() {
    Features f;
    f.videoConversion = f.audioExtraction = impl_->tools.ffmpeg.has_value();
    f.email = impl_->mailer.enabled();
    f.mapTileUrl = impl_->mapTileUrl;
    OBSCURA_TRY_STATUS(ctx_.router().add(featuresRoute(f)));
    for (auto& route : conversionRoutes(impl_->routeDeps)) OBSCURA_TRY_STATUS(ctx_.router().add(std::move(route)));
    for (auto& route : avatarRoutes(impl_->avatarDeps)) OBSCURA_TRY_STATUS(ctx_.router().add(std::move(route)));
    ctx_.services().put<auth::AvatarLocator>(std::make_shared<AvatarFiles>(impl_->avatarDeps));
    if (auto circuits = ctx_.services().find<CircuitRegistry>(); circuits && impl_->mailer.enabled())
        circuits->add(impl_->mailer.breaker());
    OBSCURA_TRY_STATUS(ctx_.router().add(impl_->events.route()));
    if (auto s = enqueueHashBackfillIfNeeded(impl_->tools, ctx_.jobs()); !s)
        log::warn("media: the perceptual hash backfill could not be enqueued: " + s.error().message);
    impl_->events.start(ctx_.bus(), ctx_.eventRelay());
    auto* impl = impl_.get();
    impl_->partnerMail = ctx_.bus().subscribe<images::PartnerAdded>(
        "media.partnerMail", [impl](const images::PartnerAdded& added) { impl->notifyPartner(added); });
    impl_->albumShared = ctx_.bus().subscribe<images::AlbumShared>(
        "media.albumSharedMail", [impl](const images::AlbumShared& e) { impl->notifyShared(e); });
    impl_->passwordResetMail = ctx_.bus().subscribe<auth::PasswordResetRequested>(
        "media.passwordResetMail", [impl](const auth::PasswordResetRequested& e) { impl->mailPasswordReset(e); });
    return {};
}

void MediaModule::onStopping() noexcept {
    impl_->partnerMail.reset();
    impl_->albumShared.reset();
    impl_->passwordResetMail.reset();
    impl_->events.stop();
}

}  // namespace obscura::media
