#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/kernel/bus.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/metrics.hpp"
#include "obscura/kernel/module.hpp"
#include "obscura/kernel/router.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "obscura/storage/storage.hpp"

using namespace obscura;

namespace {

std::vector<std::string> g_events;

struct Alpha final : Module {
    static constexpr std::string_view kName = "alpha";
    Alpha(const Config&, ModuleContext&) { g_events.push_back("build alpha"); }
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override {
        g_events.push_back("loaded alpha");
        return {};
    }
    void onStopping() noexcept override { g_events.push_back("stop alpha"); }
};

struct Beta final : Module {
    static constexpr std::string_view kName = "beta";
    Beta(const Config&, ModuleContext& ctx) {
        ctx.get<Alpha>();
        g_events.push_back("build beta");
    }
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override {
        g_events.push_back("loaded beta");
        return {};
    }
    void onStopping() noexcept override { g_events.push_back("stop beta"); }
};

struct NeedsUnknown final : Module {
    struct Ghost {
        static constexpr std::string_view kName = "ghost";
    };
    static constexpr std::string_view kName = "needs-unknown";
    NeedsUnknown(const Config&, ModuleContext& ctx) { ctx.get<Ghost>(); }
    std::string_view name() const override { return kName; }
};

struct Gamma;
struct Delta final : Module {
    static constexpr std::string_view kName = "delta";
    Delta(const Config&, ModuleContext& ctx);
    std::string_view name() const override { return kName; }
    void onStopping() noexcept override { g_events.push_back("stop delta"); }
};
struct Gamma final : Module {
    static constexpr std::string_view kName = "gamma";
    Gamma(const Config&, ModuleContext& ctx) { ctx.get<Delta>(); }
    std::string_view name() const override { return kName; }
};
Delta::Delta(const Config&, ModuleContext& ctx) { ctx.get<Gamma>(); }

struct FailsToLoad final : Module {
    static constexpr std::string_view kName = "fails";
    FailsToLoad(const Config&, ModuleContext&) {}
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override { return invalid("bad setting"); }
};

// Modules in these tests never use storage; every call says so.
struct NoStorage final : storage::Storage {
    std::string_view name() const override { return "none"; }
    Status ping() override { return unavailable("no storage in this test"); }
    std::vector<storage::MigrationResult> knownMigrations() const override { return {}; }
    Expected<storage::MigrationResult> migrate(std::string_view) override { return unavailable("no storage"); }
    Expected<int> schemaVersion(std::string_view) override { return unavailable("no storage"); }
    Status transaction(const storage::RepoFn&) override { return unavailable("no storage"); }
    Status run(const storage::RepoFn&) override { return unavailable("no storage"); }
    Status backupTo(const std::string&, const storage::RepoFn&) override { return unavailable("no storage"); }
    Status restoreFrom(const std::string&) override { return unavailable("no storage"); }
};

struct Harness {
    Config config = Config::defaults();
    Router router;
    ServiceRegistry services;
    Metrics metrics;
    NoStorage storage;
    Bus bus{metrics, 1};
    FakeClock clock;
    JobQueue jobs{storage, metrics, "test", clock};
    ModuleContext ctx{config, router, services, storage, metrics, bus, jobs, clock, "/nonexistent"};
};

}  // namespace

TEST_SUITE("kernel.modules") {
    TEST_CASE("modules are built in list order, loaded after all exist, and stopped in reverse") {
        g_events.clear();
        Harness h;
        ModuleList list;
        list.add<Alpha>().add<Beta>();
        REQUIRE(list.start(h.config, h.ctx).ok());
        list.stop();
        CHECK(g_events == std::vector<std::string>{"build alpha", "build beta", "loaded alpha", "loaded beta",
                                                   "stop beta", "stop alpha"});
        list.stop();  // idempotent
        CHECK(g_events.size() == 6);
    }

    TEST_CASE("a dependency listed after its user fails the start naming both") {
        g_events.clear();
        Harness h;
        ModuleList list;
        list.add<Beta>().add<Alpha>();
        auto s = list.start(h.config, h.ctx);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().message.find("'alpha'") != std::string::npos);
        CHECK(s.error().message.find("'beta'") != std::string::npos);
    }

    TEST_CASE("an unknown dependency fails the start naming it") {
        Harness h;
        ModuleList list;
        list.add<NeedsUnknown>();
        auto s = list.start(h.config, h.ctx);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().message.find("unknown module 'ghost'") != std::string::npos);
    }

    TEST_CASE("a dependency cycle fails the start") {
        Harness h;
        ModuleList list;
        list.add<Gamma>().add<Delta>();
        auto s = list.start(h.config, h.ctx);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().message.find("depend on each other") != std::string::npos);
    }

    TEST_CASE("an onAllLoaded failure stops the modules already built, in reverse") {
        g_events.clear();
        Harness h;
        ModuleList list;
        list.add<Alpha>().add<FailsToLoad>();
        auto s = list.start(h.config, h.ctx);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().message == "module fails: bad setting");
        CHECK(g_events.back() == "stop alpha");
    }

    TEST_CASE("the service registry returns what was registered under its interface type") {
        struct UsageProvider {
            virtual ~UsageProvider() = default;
            virtual int bytes() const = 0;
        };
        struct Fixed : UsageProvider {
            int bytes() const override { return 42; }
        };
        ServiceRegistry registry;
        CHECK(registry.find<UsageProvider>() == nullptr);
        registry.put<UsageProvider>(std::make_shared<Fixed>());
        REQUIRE(registry.find<UsageProvider>() != nullptr);
        CHECK(registry.find<UsageProvider>()->bytes() == 42);
    }
}
