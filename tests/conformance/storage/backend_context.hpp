#pragma once
// The one place that knows each storage backend's quirks: how to get a database for a test, and whether
// it starts empty. Every case is written once against the Storage API and run through forEachBackend().
//
// Which backends run: OBSCURA_CONFORMANCE_BACKEND=sqlite|mysql picks one (CTest runs one entry per backend);
// unset, every plugin present in OBSCURA_PLUGIN_DIR runs. MySQL/MariaDB needs OBSCURA_TEST_MYSQL_URL
// (mysql://user@host:3306/db) and OBSCURA_TEST_MYSQL_PASSWORD; without them it is skipped, loudly.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/storage.hpp"
#include "storage_loader.hpp"

namespace obscura::conformance {

// One database a test may use.
class BackendDatabase {
public:
    virtual ~BackendDatabase() = default;
    // A new Storage on this database; call again after dropping the last one to simulate a restart.
    virtual Expected<std::unique_ptr<storage::Storage>> open(int poolSize = 8) = 0;
    // True when the database started empty, so exact versions and counts from zero can be asserted. A shared
    // server database (MySQL when the test user may not create databases) is not: cases then use unique keys
    // and relative counts.
    virtual bool fresh() const = 0;
};

class Backend {
public:
    Backend(std::string name, LoadedStorage plugin) : name_(std::move(name)), plugin_(std::move(plugin)) {}
    virtual ~Backend() = default;
    const std::string& name() const { return name_; }
    const LoadedStorage& plugin() const { return plugin_; }
    virtual std::unique_ptr<BackendDatabase> newDatabase() = 0;

private:
    std::string name_;
    LoadedStorage plugin_;
};

// The backends this run covers; on first use prints which ones, and every backend not covered, to stderr.
std::vector<Backend*> selectedBackends();

// Problems that must fail the run: a requested backend that cannot run, a plugin with no context here.
std::vector<std::string> selectionProblems();

// Runs fn once per selected backend, with the backend's name attached to every assertion.
void forEachBackend(const std::function<void(Backend&)>& fn);

}  // namespace obscura::conformance
