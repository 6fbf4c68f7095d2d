#include "import/import_command.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <ostream>
#include <thread>

#include "app.hpp"
#include "import/import_plan.hpp"
#include "import/import_report.hpp"
#include "import/import_runner.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/images/library_import.hpp"
#include "obscura/kernel/service_registry.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura {

namespace {

constexpr int kInterruptedExit = 130;

// --user: a username (auth keys them lower-cased: names are 3-32 of a-z, 0-9, . _ -) or a user's id.
Expected<std::string> ownerId(storage::Storage& storage, const std::string& user) {
    std::string key = user;
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    OBSCURA_TRY(found,
                withRepos(storage, [&](storage::Repositories& repos) -> Expected<std::optional<storage::UserRecord>> {
                    if (isUuid(user)) {
                        OBSCURA_TRY(byId, repos.auth().findUserById(user));
                        if (byId) return byId;
                    }
                    return repos.auth().findUserByUsernameKey(key);
                }));
    if (!found) return notFound("no user '" + user + "'");
    if (found->disabled) return invalid("the user '" + user + "' is disabled");
    return found->id;
}

// SIGINT and SIGTERM are blocked in every thread and taken by one waiter, which asks the run to stop.
class StopSignals {
public:
    StopSignals() {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    }
    void watch(std::ostream& err) {
        waiter_ = std::thread([this, &err] {
            const timespec tick{0, 100'000'000};
            while (!done_) {
                if (sigtimedwait(&set_, nullptr, &tick) > 0 && !stop_.exchange(true))
                    err << "\nobscura: interrupted: finishing the files in flight; run the same import again to "
                           "continue"
                        << std::endl;
            }
        });
    }
    ~StopSignals() {
        done_ = true;
        if (waiter_.joinable()) waiter_.join();
    }
    const std::atomic<bool>& stop() const { return stop_; }

private:
    sigset_t set_{};
    std::atomic<bool> stop_{false}, done_{false};
    std::thread waiter_;
};

// A line redrawn in place every 200 ms, only on a terminal.
class ProgressLine {
public:
    ProgressLine(const import::ImportReport& report, std::ostream& out, bool terminal) {
        if (!terminal) return;
        thread_ = std::thread([this, &report, &out] {
            while (!done_) {
                out << "\r\033[K" << report.progressLine() << std::flush;
                for (int i = 0; i < 20 && !done_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            out << "\r\033[K" << report.progressLine() << "\n" << std::flush;
        });
    }
    ~ProgressLine() { finish(); }
    void finish() {
        done_ = true;
        if (thread_.joinable()) thread_.join();
    }

private:
    std::atomic<bool> done_{false};
    std::thread thread_;
};

}  // namespace

int runImportCommand(const CliCommand::ImportFlags& flags, Config config, const Clock& clock, std::ostream& out,
                     std::ostream& err) {
    StopSignals signals;  // before any thread starts, so all inherit the mask
    import::Limits limits;
    limits.maxFileBytes = static_cast<std::uint64_t>(config.getInt("images.maxUploadBytes"));
    App app(std::move(config), clock);
    auto fail = [&](const std::string& message) {
        err << "obscura: " << message << std::endl;
        return 1;
    };
    if (auto started = app.startWithoutServer(); !started) return fail(started.error().message);
    auto library = app.services().find<images::LibraryImport>();
    if (!library) return fail("the images module offers no import");
    auto owner = ownerId(app.storage(), flags.user);
    if (!owner) return fail(owner.error().message);
    auto listing = import::listSources(flags.paths, limits);
    if (!listing) return fail(listing.error().message);

    import::PlanOptions planOptions;
    planOptions.takeout = flags.takeout;
    planOptions.albumFromFolder = flags.albumFromFolder;
    planOptions.nowSeconds = clock.nowUs() / 1000000;
    const import::Plan plan = import::makePlan(*listing, limits, planOptions);

    import::ImportReport report(flags.dryRun);
    report.setTotal(static_cast<std::int64_t>(plan.files.size() + plan.skipped.size() + listing->refused.size()));
    for (const auto& r : listing->refused) report.skipped(r);
    for (const auto& r : plan.skipped) report.skipped(r);
    for (const auto& r : plan.warnings) report.warning(r);

    import::RunOptions run;
    run.ownerId = *owner;
    run.dryRun = flags.dryRun;
    run.jobs = flags.jobs;
    if (!flags.dryRun) {
        auto dir = library->makeTempDir();
        if (!dir) return fail(dir.error().message);
        run.tempDir = *dir;
    }
    signals.watch(err);
    {
        ProgressLine progress(report, out, ::isatty(STDOUT_FILENO) == 1);
        import::runPlan(plan, *listing, limits, run, *library, report, signals.stop());
    }
    if (!run.tempDir.empty()) library->removeTempDir(run.tempDir);
    if (signals.stop()) report.setInterrupted();
    out << report.json() << std::endl;
    app.stop();
    if (signals.stop()) return kInterruptedExit;
    return report.anyFailed() ? 1 : 0;
}

}  // namespace obscura
