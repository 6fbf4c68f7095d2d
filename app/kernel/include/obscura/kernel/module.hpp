#pragma once
// Modules (userver components): built in the order main.cpp lists them, each with the config and a
// context; onAllLoaded() once all exist (routes go live), onStopping() in reverse order.
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

class Clock;
class Config;
class Router;
class ServiceRegistry;
class Metrics;
class Bus;
class JobQueue;
class EventRelay;
namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
}

class Module {
public:
    virtual ~Module() = default;
    virtual std::string_view name() const = 0;
    virtual Status onAllLoaded() { return {}; }
    virtual void onStopping() noexcept {}
};

// Thrown only inside a module constructor and caught by ModuleList::build, which turns it into an Error:
// constructors have no other way to fail, and the exception never leaves the kernel.
class ModuleStartError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ModuleList;

class ModuleContext {
public:
    ModuleContext(const Config& config, Router& router, ServiceRegistry& services, storage::Storage& storage,
                  Metrics& metrics, Bus& bus, JobQueue& jobs, const Clock& clock, std::string dataDir,
                  blobs::BlobStore* blobs = nullptr, EventRelay* relay = nullptr)
        : config_(config),
          router_(router),
          services_(services),
          storage_(storage),
          metrics_(metrics),
          bus_(bus),
          jobs_(jobs),
          clock_(clock),
          dataDir_(std::move(dataDir)),
          blobs_(blobs),
          relay_(relay) {}

    const Config& config() const { return config_; }
    Router& router() { return router_; }
    ServiceRegistry& services() { return services_; }
    storage::Storage& storage() { return storage_; }
    Metrics& metrics() { return metrics_; }
    Bus& bus() { return bus_; }
    // Register job kinds in the constructor; workers start after every module's onAllLoaded().
    JobQueue& jobs() { return jobs_; }
    // The wall clock (obscura/base/clock.hpp): modules read "now" here, never from the system, so tests can
    // move time.
    const Clock& clock() const { return clock_; }
    const std::string& dataDir() const { return dataDir_; }
    // Where every byte the modules keep lives (obscura/blobs/blob_store.hpp): originals, derivatives, avatars.
    // Modules never open a library path themselves. Throws ModuleStartError when the App gave none (only kernel
    // tests build a context without one), so ask in a constructor.
    blobs::BlobStore& blobs() {
        if (blobs_ == nullptr) throw ModuleStartError("no blob store was given to the modules");
        return *blobs_;
    }

    // Events across replicas (obscura/kernel/event_relay.hpp): what a client waits for goes through it so every
    // replica's streams get it, with an id. Null where the App gave none (kernel tests).
    EventRelay* eventRelay() { return relay_; }

    // Another module, which must be listed (and so built) before the caller. Unknown or later-listed
    // modules throw ModuleStartError: that is how an unknown dependency or a cycle fails the start.
    template <typename M>
    M& get() {
        return *static_cast<M*>(lookup(std::type_index(typeid(M)), M::kName));
    }

private:
    friend class ModuleList;
    void* lookup(std::type_index type, std::string_view name);

    const Config& config_;
    Router& router_;
    ServiceRegistry& services_;
    storage::Storage& storage_;
    Metrics& metrics_;
    Bus& bus_;
    JobQueue& jobs_;
    const Clock& clock_;
    std::string dataDir_;
    blobs::BlobStore* blobs_;
    EventRelay* relay_;
    ModuleList* list_ = nullptr;
};

class ModuleList {
public:
    template <typename M>
    ModuleList& add() {
        entries_.push_back(Entry{
            std::type_index(typeid(M)), std::string(M::kName),
            [](const Config& c, ModuleContext& ctx) -> std::unique_ptr<Module> { return std::make_unique<M>(c, ctx); },
            nullptr});
        return *this;
    }

    // Builds every module in order, then calls onAllLoaded on each. On failure the modules built so far
    // are stopped in reverse order and the error names the module.
    Status start(const Config& config, ModuleContext& ctx);
    // onStopping in reverse order; idempotent.
    void stop() noexcept;
    std::vector<std::string> names() const;

private:
    friend class ModuleContext;
    struct Entry {
        std::type_index type;
        std::string name;
        std::function<std::unique_ptr<Module>(const Config&, ModuleContext&)> make;
        std::unique_ptr<Module> instance;
    };
    std::vector<Entry> entries_;
    std::size_t building_ = 0;
    bool started_ = false;
};

}  // namespace obscura
