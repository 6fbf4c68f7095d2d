// The restart the issue demands: a process working through a durable backlog is SIGKILLed while jobs are
// both queued and running; a new process picks the abandoned jobs up once their leases expire, and every
// job ends in exactly one terminal state with exactly one output.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "jobs_fixture.hpp"
#include "obscura/base/ids.hpp"

using namespace obscura;
using namespace obscura::jobs_test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr const char* kKind = "test.work";
constexpr int kJobs = 40;

// The harness as a child process; killed on destruction if still running.
class Harness {
public:
    Harness(const std::string& dataDir, int leaseMs, int workMs, const std::string& mode) {
        logPath_ = dataDir + "/harness-" + mode + ".log";
        // Otherwise the child would write out whatever the test had buffered when it reopens stdout.
        std::fflush(stdout);
        std::fflush(stderr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            std::FILE* log = std::freopen(logPath_.c_str(), "w", stdout);
            if (log == nullptr || ::dup2(::fileno(stdout), 2) < 0) ::_exit(126);
            const std::string lease = std::to_string(leaseMs);
            const std::string work = std::to_string(workMs);
            ::execl(OBSCURA_JOB_HARNESS, OBSCURA_JOB_HARNESS, OBSCURA_PLUGIN_DIR, dataDir.c_str(), lease.c_str(),
                    work.c_str(), mode.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
    }
    ~Harness() {
        if (pid_ > 0 && !exitCode_) {
            ::kill(pid_, SIGKILL);
            wait(5s);
        }
    }
    void kill() { ::kill(pid_, SIGKILL); }
    // The exit code, -signal when killed; nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!exitCode_) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                exitCode_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            } else if (std::chrono::steady_clock::now() > deadline) {
                return std::nullopt;
            } else {
                std::this_thread::sleep_for(5ms);
            }
        }
        return exitCode_;
    }
    std::string log() const { return test::readFile(logPath_); }

private:
    int pid_ = -1;
    std::string logPath_;
    std::optional<int> exitCode_;
};

std::map<std::string, std::int64_t> countsByState(storage::Storage& storage) {
    std::map<std::string, std::int64_t> byState;
    auto status = storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(counts, repos.jobs().counts());
        for (const auto& count : counts) {
            if (count.kind == kKind) byState[count.state] = count.count;
        }
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return byState;
}

std::vector<storage::JobRecord> listAll(storage::Storage& storage, const std::string& state) {
    std::vector<storage::JobRecord> jobs;
    auto status = storage.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(listed, repos.jobs().list(state, 1000, ""));
        jobs = std::move(listed);
        return {};
    });
    REQUIRE_MESSAGE(status.ok(), status.error().message);
    return jobs;
}

}  // namespace

TEST_SUITE("jobs.restart") {
    TEST_CASE("a process killed with jobs queued and running: after a restart every job ends once, one output each") {
        JobsFixture f;
        std::set<std::string> ids;
        REQUIRE(f.storage
                    ->transaction([&](storage::Repositories& repos) -> Status {
                        for (int i = 0; i < kJobs; ++i) {
                            storage::NewJob job;
                            job.id = newUuid();
                            job.kind = kKind;
                            job.payload = R"({"n":)" + std::to_string(i) + "}";
                            OBSCURA_TRY(stored, JobQueue::enqueueIn(repos, job, f.clock));
                            ids.insert(stored.id);
                        }
                        return {};
                    })
                    .ok());

        // First life: 4 workers at 150 ms a job; killed once some are done and some are mid-run.
        std::set<std::string> abandoned;
        {
            Harness first(f.dir.path(), 600, 150, "run");
            std::map<std::string, std::int64_t> seen;
            const bool midFlight = waitUntil(
                [&] {
                    seen = countsByState(*f.storage);
                    return seen["succeeded"] >= 8 && seen["running"] >= 2;
                },
                20s);
            REQUIRE_MESSAGE(midFlight, "the harness never got going; its log:\n" << first.log());
            first.kill();
            REQUIRE(first.wait(5s) == -SIGKILL);
        }
        auto atKill = countsByState(*f.storage);
        CHECK(atKill["running"] >= 1);
        CHECK(atKill["queued"] >= 1);
        CHECK(atKill.count("failed") == 0);
        for (const auto& job : listAll(*f.storage, storage::kJobRunning)) {
            if (job.kind == kKind) abandoned.insert(job.id);
        }
        MESSAGE("killed with " << atKill["succeeded"] << " succeeded, " << atKill["running"] << " running, "
                               << atKill["queued"] << " queued");

        // Second life: picks the abandoned jobs up when their leases (600 ms) run out, and drains the rest.
        const auto restartedAt = std::chrono::steady_clock::now();
        Harness second(f.dir.path(), 600, 20, "drain");
        const auto code = second.wait(40s);
        REQUIRE_MESSAGE(code == 0, "the second harness did not drain; its log:\n" << second.log());
        MESSAGE("drained " << kJobs << " jobs after the restart in "
                           << std::chrono::duration<double>(std::chrono::steady_clock::now() - restartedAt).count()
                           << " s");

        const auto jobs = listAll(*f.storage, "");
        std::size_t mine = 0;
        for (const auto& job : jobs) {
            if (job.kind != kKind) continue;
            ++mine;
            CAPTURE(job.id);
            CHECK(ids.count(job.id) == 1);
            CHECK(job.state == storage::kJobSucceeded);
            CHECK(job.result == "out/" + job.id);
            CHECK(job.error.empty());
            // Exactly one claim per life the job was running in.
            CHECK(job.attempts == (abandoned.count(job.id) ? 2 : 1));
            CHECK(test::readFile(f.dir / ("out/" + job.id)) == job.id + "\n" + job.payload + "\n");
        }
        CHECK(mine == ids.size());
        std::set<std::string> files;
        for (const auto& entry : fs::directory_iterator(f.dir / "out")) files.insert(entry.path().filename().string());
        CHECK(files == ids);  // one output per job, and no tmp file left behind
    }
}
