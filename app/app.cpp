#include "app.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "admin_jobs_routes.hpp"
#include "backup_schedule.hpp"
#include "blob_loader.hpp"
#include "bus_loader.hpp"
#include "data_dir.hpp"
#include "obscura/auth/auth_module.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/http/http_server.hpp"
#include "obscura/images/images_module.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/circuit_registry.hpp"
#include "obscura/kernel/event_relay.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/kernel/module.hpp"
#include "obscura/kernel/recent_blob_copies.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "obscura/media/media_module.hpp"
#include "obscura/storage/storage.hpp"
#include "server_routes.hpp"
#include "storage_loader.hpp"
#include "web_routes.hpp"

namespace obscura {

std::string_view obscuraVersion() { return OBSCURA_VERSION; }

namespace {

// The modules, in dependency order: each may use those before it. Stopped in reverse.
ModuleList makeModules() {
    ModuleList list;
    list.add<auth::AuthModule>().add<images::ImagesModule>().add<media::MediaModule>();
    return list;
}

int cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

HttpServerOptions httpOptions(const Config& c) {
    HttpServerOptions o;
    o.host = c.getString("server.host");
    o.port = static_cast<int>(c.getInt("server.port"));
    o.ioThreads = c.getInt("server.ioThreads") > 0 ? static_cast<int>(c.getInt("server.ioThreads")) : cores();
    o.workerThreads = c.getInt("server.workerThreads") > 0 ? static_cast<int>(c.getInt("server.workerThreads"))
                                                           : std::max(4, 4 * cores());
    // Read-and-render pages are CPU work with the embedded SQLite: one thread per core runs them in turn. With a
    // database server they mostly wait for it, so they stay on the (more numerous) handler threads.
    const auto compute = c.getInt("server.computeThreads");
    o.computeThreads = compute > 0                                                 ? static_cast<int>(compute)
                       : compute == 0 && c.getString("storage.plugin") == "sqlite" ? cores()
                                                                                   : 0;
    o.maxHeaderBytes = static_cast<std::size_t>(c.getInt("server.maxHeaderBytes"));
    o.maxConnections = static_cast<int>(c.getInt("server.maxConnections"));
    o.maxConnectionsPerIp = static_cast<int>(c.getInt("server.maxConnectionsPerIp"));
    o.headerTimeout = std::chrono::seconds(c.getInt("server.headerTimeoutSeconds"));
    o.idleTimeout = std::chrono::seconds(c.getInt("server.idleTimeoutSeconds"));
    o.bodyGrace = std::chrono::seconds(c.getInt("server.bodyGraceSeconds"));
    o.minBodyBytesPerSecond = static_cast<std::uint64_t>(c.getInt("server.minBodyBytesPerSecond"));
    o.writeTimeout = std::chrono::seconds(c.getInt("server.writeTimeoutSeconds"));
    o.drainTime = std::chrono::seconds(c.getInt("server.drainSeconds"));
    o.trustedProxies = c.getList("server.trustedProxies");
    o.accessLog = c.getBool("log.accessLog");
    return o;
}

}  // namespace

struct App::Impl {
    explicit Impl(const Clock& c) : clock(c) {}

    const Clock& clock;
    Config config;
    std::string dataDir;
    LoadedStorage plugin;
    std::unique_ptr<storage::Storage> storage;
    std::unique_ptr<blobs::BlobStore> blobs;
    Metrics metrics;
    // Every dependency's breaker (S3 here, SMTP and the broker from their owners), in the ServiceRegistry too.
    std::shared_ptr<CircuitRegistry> circuits = std::make_shared<CircuitRegistry>(&metrics);
    // Set on SIGTERM (beginDrain): /readyz answers 503 while in-flight requests finish.
    std::shared_ptr<std::atomic<bool>> draining = std::make_shared<std::atomic<bool>>(false);
    Router router;
    ServiceRegistry services;
    std::string instanceId = newUuid();
    std::unique_ptr<Bus> bus;
    std::unique_ptr<JobQueue> jobs;
    std::unique_ptr<EventRelay> relay;
    std::unique_ptr<bus::Broker> broker;  // bus.broker; null for none
    ModuleList modules = makeModules();
    std::unique_ptr<ModuleContext> context;
    std::unique_ptr<HttpServer> http;
    std::unique_ptr<BackupScheduler> backups;  // server.backup.schedule; null when off
    bool stopped = false;

    Status openStorage() {
        const auto name = config.getString("storage.plugin");
        OBSCURA_TRY(loaded, loadStoragePlugin(name, config.getString("storage.pluginDir")));
        plugin = std::move(loaded);
        storage::StorageOptions options;
        options.dataDir = dataDir;
        options.url = config.getString("database.url");
        options.password = config.getString("database.password");
        options.poolSize = static_cast<int>(config.getInt("database.poolSize"));
        OBSCURA_TRY(opened, obscura::openStorage(plugin, options));
        storage = std::move(opened);
        if (auto s = storage->ping(); !s)
            return Error(s.error().code, "storage '" + name + "' is not reachable: " + s.error().message);
        return {};
    }

    Status openBlobs() {
        OBSCURA_TRY(opened, openConfiguredBlobStore(config, dataDir, &metrics));
        blobs = std::move(opened);
        if (auto s = blobs->ping(); !s)
            return Error(s.error().code,
                         "blob store '" + std::string(blobs->name()) + "' is not reachable: " + s.error().message);
        RecentBlobCopies::instance().configure(static_cast<std::uint64_t>(config.getInt("blobs.recentCopiesBytes")),
                                               std::chrono::seconds(600), dataDir + "/tmp");
        return {};
    }

    // Events and job wake-ups across replicas: the database's relay log, and the broker when bus.broker names one.
    Status openRelay() {
        EventRelayOptions options;
        options.instanceId = instanceId;
        options.pollInterval = std::chrono::milliseconds(config.getInt("bus.relay.pollMs"));
        options.retention = std::chrono::seconds(config.getInt("bus.relay.retentionSeconds"));
        relay = std::make_unique<EventRelay>(*storage, metrics, clock, options);
        OBSCURA_TRY(opened, openConfiguredBroker(config, instanceId, *relay));
        broker = std::move(opened);
        if (broker) relay->attachBroker(broker.get(), std::string(broker->name()));
        if (const CircuitBreaker* breaker = relay->breaker()) circuits->addUnowned(*breaker);
        relay->setJobWaker([this](const std::string& kind) { jobs->wakeLocal(kind); });
        jobs->setAnnouncer([this](const std::string& kind) { relay->announceJobs(kind); });
        return {};
    }

    void stopRelay() {
        if (broker) broker->stop();  // its callbacks reach the relay
        if (relay) relay->stop();
    }

    // Storage to modules: what `serve` and `import` share.
    Status startModules() {
        if (config.getString("auth.jwtSecret").empty()) {
            OBSCURA_TRY(secret, loadOrCreateSecret(dataDir));
            OBSCURA_TRY_STATUS(config.set("auth.jwtSecret", secret));
        }
        OBSCURA_TRY_STATUS(openStorage());
        OBSCURA_TRY_STATUS(openBlobs());
        OBSCURA_TRY_STATUS(migrate());

        services.put(circuits);
        if (const CircuitBreaker* breaker = blobs->circuit()) circuits->addUnowned(*breaker);
        bus = std::make_unique<Bus>(metrics, 2);
        jobs = std::make_unique<JobQueue>(*storage, metrics, instanceId, clock);
        if (auto s = openRelay(); !s) {
            stopRelay();
            return s;
        }
        context = std::make_unique<ModuleContext>(config, router, services, *storage, metrics, *bus, *jobs, clock,
                                                  dataDir, blobs.get(), relay.get());
        if (auto s = modules.start(config, *context); !s) {
            stopRelay();
            return s;
        }
        return {};
    }

    Expected<std::string> migrate() {
        std::string report;
        // The kernel's own tables (jobs) come first: every module may enqueue jobs.
        auto names = modules.names();
        names.insert(names.begin(), "kernel");
        // Then the schema modules that are not code modules ("partners", "sharing": tables keyed on several
        // modules' rows), in the plugin's order, which puts each after the ones it references.
        for (const auto& known : storage->knownMigrations())
            if (std::find(names.begin(), names.end(), known.module) == names.end()) names.push_back(known.module);
        for (const auto& module : names) {
            OBSCURA_TRY(result, storage->migrate(module));
            report += module + ": version " + std::to_string(result.fromVersion) + " -> " +
                      std::to_string(result.toVersion) + "\n";
            if (result.fromVersion != result.toVersion)
                log::info("migrated " + module + " from version " + std::to_string(result.fromVersion) + " to " +
                          std::to_string(result.toVersion));
        }
        return report;
    }
};

App::App(Config config, const Clock& clock) : impl_(std::make_unique<Impl>(clock)) {
    impl_->config = std::move(config);
    // Absolute from here on: modules hand these paths to subprocesses (ffmpeg, ffprobe) that are given absolute
    // paths only, and the README's default is the relative "./data".
    const std::string configured = impl_->config.getString("server.dataDir");
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(configured, ec);
    impl_->dataDir = ec ? configured : absolute.lexically_normal().string();
}

App::~App() { stop(); }

Status App::start() {
    auto& d = *impl_;
    log::configure(d.config.getString("log.level"), d.config.getString("log.format"));
    const bool sqlite = d.config.getString("storage.plugin") == "sqlite";
    OBSCURA_TRY_STATUS(prepareDataDir(d.dataDir, sqlite));
    OBSCURA_TRY_STATUS(d.startModules());
    OBSCURA_TRY_STATUS(addAdminJobsRoutes(d.router, *d.storage, d.clock));
    OBSCURA_TRY_STATUS(addWebRoutes(d.router, findWebRoot(), d.config.getString("server.mapTileUrl")));
    OBSCURA_TRY_STATUS(addServerRoutes(
        d.router, ServerRouteDeps{*d.storage, *d.blobs, d.metrics, *d.circuits, d.draining, d.dataDir, d.relay.get()}));
    auto backups = BackupScheduler::create(d.config, *d.storage, *d.blobs, *d.jobs, d.metrics, d.clock, d.dataDir);
    if (!backups) {
        d.stopRelay();
        d.modules.stop();
        d.bus->stop();
        return backups.error();
    }
    d.backups = std::move(*backups);
    d.relay->start();  // after every module added its listener
    d.jobs->start();
    if (d.backups) d.backups->start();

    d.http = std::make_unique<HttpServer>(httpOptions(d.config), d.router, d.services, d.metrics);
    if (auto s = d.http->start(); !s) {
        d.jobs->stop();
        d.stopRelay();
        d.modules.stop();
        d.bus->stop();
        return s;
    }
    log::info("obscura " + std::string(obscuraVersion()) + " listening on " + d.config.getString("server.host") + ":" +
              std::to_string(d.http->port()) + " (storage " + std::string(d.storage->name()) + ", data dir " +
              d.dataDir + ")");
    return {};
}

Status App::startWithoutServer() {
    auto& d = *impl_;
    log::configure(d.config.getString("log.level"), d.config.getString("log.format"));
    OBSCURA_TRY_STATUS(prepareDataDir(d.dataDir, false));
    OBSCURA_TRY_STATUS(d.startModules());
    d.relay->start();
    return {};
}

Expected<std::string> App::migrateOnly() {
    auto& d = *impl_;
    log::configure(d.config.getString("log.level"), d.config.getString("log.format"));
    OBSCURA_TRY_STATUS(prepareDataDir(d.dataDir, false));
    OBSCURA_TRY_STATUS(d.openStorage());
    return d.migrate();
}

Expected<auth::CreatedUser> App::createUser(const auth::NewUser& user) {
    OBSCURA_TRY(report, migrateOnly());
    (void)report;
    return auth::createUserWithoutServer(impl_->config, *impl_->storage, user, impl_->clock);
}

int App::port() const { return impl_->http ? impl_->http->port() : 0; }

void App::beginDrain() {
    auto& d = *impl_;
    if (d.draining->exchange(true)) return;
    if (d.http) d.http->beginDrain();
    log::info("draining: /readyz answers 503, responses close their connections");
}

bool App::draining() const { return impl_->draining->load(); }

void App::stop() {
    auto& d = *impl_;
    if (d.stopped) return;
    d.stopped = true;
    // Outside in: no new requests, then no new jobs, then modules (their subscriptions end), then the bus
    // delivers what is left, and storage goes last.
    if (d.http) {
        d.http->stop();
        log::info("http server stopped");
    }
    d.circuits->clear();               // the store's and the relay's breakers die with them
    if (d.backups) d.backups->stop();  // before the queue: it enqueues jobs
    if (d.jobs) d.jobs->stop();
    d.stopRelay();
    d.modules.stop();
    if (d.bus) d.bus->stop();
    d.backups.reset();
    d.jobs.reset();
    d.broker.reset();
    d.relay.reset();
    d.bus.reset();
    d.storage.reset();
    d.blobs.reset();
}

const Config& App::config() const { return impl_->config; }
storage::Storage& App::storage() { return *impl_->storage; }
blobs::BlobStore& App::blobs() { return *impl_->blobs; }
Router& App::router() { return impl_->router; }
Bus& App::bus() { return *impl_->bus; }
ServiceRegistry& App::services() { return impl_->services; }
JobQueue& App::jobs() { return *impl_->jobs; }
const Clock& App::clock() const { return impl_->clock; }

}  // namespace obscura
