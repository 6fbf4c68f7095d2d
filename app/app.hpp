#pragma once
// The composition root: config → data dir → storage plugin → migrations → modules → HTTP.
#include <memory>
#include <string>

#include "obscura/auth/user_creation.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/kernel/config.hpp"

namespace obscura {

class Clock;
class JobQueue;

namespace storage {
class Storage;
}
namespace blobs {
class BlobStore;
}
class Router;
class Bus;
class ServiceRegistry;

std::string_view obscuraVersion();

class App {
public:
    // clock: every "now" of the server (modules, jobs); it must outlive the App. main.cpp passes a SystemClock.
    App(Config config, const Clock& clock);
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // Everything up to a listening server. Any failure is one clear message; nothing is left running.
    Status start();
    // `obscura import`: storage, blobs, migrations, bus, relay and modules, but no listener and no job workers: the
    // jobs an import queues (derivatives) are run by the server, here or on another replica, and its events and
    // job wake-ups reach a server on the same database through the relay. tmp/ and work/ are left alone: a server
    // may be using them right now.
    Status startWithoutServer();
    // Only storage and migrations (`obscura migrate`): reports each module's versions.
    Expected<std::string> migrateOnly();
    // Storage, migrations, then one account (`obscura user create`), with no server running.
    Expected<auth::CreatedUser> createUser(const auth::NewUser& user);
    int port() const;
    // SIGTERM's first step: /readyz answers 503 `draining` at once and every response closes its connection, while
    // the server keeps serving, so a load balancer moves new requests elsewhere before stop() closes the listener.
    void beginDrain();
    bool draining() const;
    // Graceful stop (drain in-flight requests, stop modules in reverse order). Idempotent.
    void stop();

    const Config& config() const;
    storage::Storage& storage();
    // After start(): the blob store the modules use (blobs.plugin).
    blobs::BlobStore& blobs();
    Router& router();
    // After start(): the event bus (tests subscribe to module events) and the service registry.
    Bus& bus();
    ServiceRegistry& services();
    // The durable job queue (tests stop it to look at work before it is done).
    JobQueue& jobs();
    // The clock the App was given.
    const Clock& clock() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace obscura
