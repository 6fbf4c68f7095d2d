// A stand-in for the server's job side, for the restart test: opens the SQLite storage of a data dir and
// runs a JobQueue for kind "test.work" whose handler is idempotent — it writes <dataDir>/out/<jobId>
// through a per-job tmp file and a rename, so a rerun after a crash replaces rather than duplicates.
//
//   job_harness <pluginDir> <dataDir> <leaseMs> <workMs> run|drain
//
// run: works until killed (the test SIGKILLs it mid-flight); gives up after 60 s so it never lingers.
// drain: exits 0 once no test.work job is queued or running, 2 if that takes over 60 s.
#include <sys/prctl.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "obscura/base/clock.hpp"
#include "obscura/kernel/job_queue.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/metrics.hpp"
#include "storage_loader.hpp"

namespace fs = std::filesystem;
using namespace obscura;

namespace {

constexpr const char* kKind = "test.work";

int usage(const std::string& problem) {
    std::fprintf(stderr, "job_harness: %s\nusage: job_harness <pluginDir> <dataDir> <leaseMs> <workMs> run|drain\n",
                 problem.c_str());
    return 64;
}

Expected<std::string> work(JobContext& ctx, const fs::path& outDir, std::chrono::milliseconds workTime) {
    const auto& job = ctx.job();
    // Long enough that a kill finds some jobs mid-run; gives up as soon as the job is no longer ours.
    const auto until = std::chrono::steady_clock::now() + workTime;
    while (std::chrono::steady_clock::now() < until) {
        if (!ctx.stillOwned()) return unavailable("no longer owned");
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const fs::path tmp = outDir / ("." + job.id + ".tmp");
    const fs::path out = outDir / job.id;
    {
        std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
        file << job.id << "\n" << job.payload << "\n";
        if (!file.flush()) return internalError("cannot write " + tmp.string());
    }
    std::error_code ec;
    fs::rename(tmp, out, ec);
    if (ec) return internalError("cannot rename " + tmp.string() + ": " + ec.message());
    return "out/" + job.id;
}

}  // namespace

int main(int argc, char** argv) {
    // Die with the test, whatever happens to it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (argc != 6) return usage("expected 5 arguments");
    const std::string pluginDir = argv[1];
    const fs::path dataDir = argv[2];
    const int leaseMs = std::atoi(argv[3]);
    const int workMs = std::atoi(argv[4]);
    const std::string mode = argv[5];
    if (leaseMs < 3 || workMs < 0) return usage("leaseMs must be >= 3 and workMs >= 0");
    if (mode != "run" && mode != "drain") return usage("mode must be run or drain");
    log::configure("warn", "text");

    auto plugin = loadStoragePlugin("sqlite", pluginDir);
    if (!plugin) return usage(plugin.error().message);
    storage::StorageOptions options;
    options.dataDir = dataDir.string();
    auto opened = openStorage(*plugin, options);
    if (!opened) return usage(opened.error().message);
    auto& storage = **opened;
    if (auto migrated = storage.migrate("kernel"); !migrated) return usage(migrated.error().message);
    const fs::path outDir = dataDir / "out";
    fs::create_directories(outDir);

    Metrics metrics;
    const SystemClock clock;
    JobQueue queue(storage, metrics, "harness-" + std::to_string(::getpid()), clock);
    JobKindOptions kind;
    kind.kind = kKind;
    kind.workers = 4;
    kind.lease = std::chrono::milliseconds(leaseMs);
    kind.pollInterval = std::chrono::milliseconds(20);
    kind.baseBackoff = std::chrono::milliseconds(50);
    const auto workTime = std::chrono::milliseconds(workMs);
    if (auto registered = queue.registerKind(kind, [&](JobContext& ctx) { return work(ctx, outDir, workTime); });
        !registered) {
        return usage(registered.error().message);
    }
    queue.start();
    std::printf("job_harness: started, pid %d, mode %s\n", static_cast<int>(::getpid()), mode.c_str());
    std::fflush(stdout);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (mode != "drain") continue;
        std::int64_t active = -1;
        auto counted = storage.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(count, repos.jobs().countActive(kKind));
            active = count;
            return {};
        });
        if (counted && active == 0) {
            queue.stop();
            std::printf("job_harness: drained\n");
            return 0;
        }
    }
    queue.stop();
    std::fprintf(stderr, "job_harness: gave up after 60 s\n");
    return mode == "drain" ? 2 : 3;
}
