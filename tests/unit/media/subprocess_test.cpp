// The kernel's Subprocess runner: what ffmpeg runs under. Shell commands appear here only as test programs.
#include "obscura/kernel/subprocess.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "test_support.hpp"

using namespace std::chrono_literals;
using obscura::runSubprocess;
using obscura::SubprocessOptions;
using obscura::SubprocessResult;

namespace {

SubprocessResult mustRun(const std::vector<std::string>& argv, const SubprocessOptions& options = {}) {
    auto r = runSubprocess(argv, options);
    REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
    return std::move(r).value();
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// A process is gone when it has no /proc entry or is a zombie waiting for a reaper that may not exist here.
bool processGone(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    if (!stat) return true;
    std::string all((std::istreambuf_iterator<char>(stat)), {});
    auto close = all.rfind(')');
    return close != std::string::npos && all.size() > close + 2 && all[close + 2] == 'Z';
}

}  // namespace

TEST_SUITE("kernel.subprocess") {
    TEST_CASE("reports the exit status and captures stdout") {
        auto ok = mustRun({"/bin/echo", "hello"});
        CHECK(ok.succeeded());
        CHECK(ok.exitCode == 0);
        CHECK(ok.out == "hello\n");
        auto three = mustRun({"sh", "-c", "echo oops >&2; exit 3"});
        CHECK_FALSE(three.succeeded());
        CHECK(three.exitCode == 3);
        CHECK(three.signal == 0);
        CHECK(three.errTail == "oops\n");
        CHECK(three.describe() == "exited with status 3");
    }

    TEST_CASE("reports the signal that ended the program") {
        auto r = mustRun({"sh", "-c", "kill -TERM $$"});
        CHECK(r.signal == SIGTERM);
        CHECK_FALSE(r.succeeded());
        CHECK(r.describe() == "killed by SIGTERM");
    }

    TEST_CASE("a missing or non-executable program is Unavailable, not a crash") {
        auto missing = runSubprocess({"obscura-no-such-program"}, {});
        REQUIRE_FALSE(missing.ok());
        CHECK(missing.error().code == obscura::ErrorCode::Unavailable);
        CHECK(missing.error().message.find("obscura-no-such-program") != std::string::npos);
        auto notExec = runSubprocess({"/etc/hostname"}, {});
        REQUIRE_FALSE(notExec.ok());
        CHECK(notExec.error().code == obscura::ErrorCode::Unavailable);
        auto empty = runSubprocess({}, {});
        REQUIRE_FALSE(empty.ok());
        CHECK(empty.error().code == obscura::ErrorCode::Internal);
    }

    TEST_CASE("the timeout kills the whole process group, children included") {
        SubprocessOptions o;
        o.timeout = 400ms;
        auto r = mustRun({"sh", "-c", "sleep 30 & echo $!; sleep 30"}, o);
        CHECK(r.timedOut);
        CHECK(r.signal == SIGKILL);
        CHECK(r.elapsed < 5s);
        CHECK(r.describe().find("timed out") == 0);
        auto out = lines(r.out);
        REQUIRE(out.size() == 1);
        pid_t background = std::stoi(out[0]);
        bool gone = false;
        for (int i = 0; i < 100 && !gone; ++i) {
            gone = processGone(background);
            if (!gone) std::this_thread::sleep_for(20ms);
        }
        CHECK_MESSAGE(gone, "the background sleep " << background << " survived the timeout");
    }

    TEST_CASE("children left behind by a program that exits are killed too") {
        auto r = mustRun({"sh", "-c", "sleep 30 & echo $!"});
        CHECK(r.exitCode == 0);
        CHECK(r.elapsed < 5s);  // did not wait for the background sleep's copy of stdout
        pid_t background = std::stoi(lines(r.out).at(0));
        bool gone = false;
        for (int i = 0; i < 100 && !gone; ++i) {
            gone = processGone(background);
            if (!gone) std::this_thread::sleep_for(20ms);
        }
        CHECK(gone);
    }

    TEST_CASE("stdout is bounded: killed on overflow, or the excess dropped while streamed") {
        SubprocessOptions kill;
        kill.maxStdoutBytes = 1000;
        auto r = mustRun({"head", "-c", "5000000", "/dev/zero"}, kill);
        CHECK(r.stdoutOverflow);
        CHECK(r.out.size() == 1000);
        CHECK_FALSE(r.succeeded());

        SubprocessOptions stream;
        stream.maxStdoutBytes = 1000;
        stream.killOnStdoutOverflow = false;
        std::size_t seen = 0;
        stream.onStdout = [&](std::string_view chunk) { seen += chunk.size(); };
        auto s = mustRun({"head", "-c", "5000000", "/dev/zero"}, stream);
        CHECK(s.succeeded());
        CHECK(s.out.size() == 1000);
        CHECK(seen == 5000000);
    }

    TEST_CASE("stderr keeps only its last bytes") {
        SubprocessOptions o;
        o.stderrTailBytes = 1024;
        auto r = mustRun({"sh", "-c", "i=0; while [ $i -lt 5000 ]; do echo line$i >&2; i=$((i+1)); done"}, o);
        CHECK(r.exitCode == 0);
        CHECK(r.errTruncated);
        CHECK(r.errTail.size() <= 1024);
        CHECK(r.errTail.size() > 1000);
        CHECK(r.errTail.substr(r.errTail.size() - 9) == "line4999\n");
    }

    TEST_CASE("cancellation through an atomic flag or a callback kills the program") {
        std::atomic<bool> stop{false};
        SubprocessOptions o;
        o.cancelFlag = &stop;
        std::thread setter([&] {
            std::this_thread::sleep_for(200ms);
            stop = true;
        });
        auto r = mustRun({"sleep", "30"}, o);
        setter.join();
        CHECK(r.cancelled);
        CHECK_FALSE(r.timedOut);
        CHECK(r.signal == SIGKILL);
        CHECK(r.elapsed < 3s);
        CHECK(r.describe() == "cancelled");

        SubprocessOptions viaCallback;
        auto start = std::chrono::steady_clock::now();
        viaCallback.cancelRequested = [&] { return std::chrono::steady_clock::now() - start > 150ms; };
        auto c = mustRun({"sleep", "30"}, viaCallback);
        CHECK(c.cancelled);
        CHECK(c.elapsed < 3s);
    }

    TEST_CASE("RLIMIT_FSIZE stops a writer with SIGXFSZ") {
        obscura::test::TempDir dir;
        SubprocessOptions o;
        o.fileSizeBytes = 10000;
        auto r = mustRun({"dd", "if=/dev/zero", "of=" + (dir / "big"), "bs=1024", "count=100"}, o);
        CHECK(r.signal == SIGXFSZ);
        struct stat st {};
        REQUIRE(::stat((dir / "big").c_str(), &st) == 0);
        CHECK(st.st_size <= 10000);
    }

    TEST_CASE("RLIMIT_CPU stops a spinning program") {
        SubprocessOptions o;
        o.cpuSeconds = 1;
        auto r = mustRun({"sh", "-c", "while :; do :; done"}, o);
        CHECK((r.signal == SIGXCPU || r.signal == SIGKILL));
        CHECK_FALSE(r.timedOut);
    }

    TEST_CASE("every limit is set in the child, core dumps always off") {
        SubprocessOptions o;
        o.cpuSeconds = 7;
        o.addressSpaceBytes = 1ull << 30;
        o.fileSizeBytes = 12345;
        o.openFiles = 50;
        auto r = mustRun({"cat", "/proc/self/limits"}, o);
        REQUIRE(r.exitCode == 0);
        auto has = [&](const std::string& name, const std::string& soft, const std::string& hard) {
            for (const auto& line : lines(r.out)) {
                if (line.rfind(name, 0) != 0) continue;
                std::istringstream fields(line.substr(26));
                std::string s, h;
                fields >> s >> h;
                return s == soft && h == hard;
            }
            return false;
        };
        CHECK(has("Max cpu time", "7", "8"));
        CHECK(has("Max address space", std::to_string(1ull << 30), std::to_string(1ull << 30)));
        CHECK(has("Max file size", "12345", "12345"));
        CHECK(has("Max open files", "50", "50"));
        CHECK(has("Max core file size", "0", "0"));
    }

    TEST_CASE("a low open-files limit works in a parent with many descriptors open") {
        // A busy server: every pipe the runner makes lands above the child's RLIMIT_NOFILE.
        std::vector<int> held;
        for (int i = 0; i < 200; ++i) held.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        SubprocessOptions o;
        o.openFiles = 64;
        auto r = runSubprocess({"ls", "/proc/self/fd"}, o);
        for (int fd : held) ::close(fd);
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
        CHECK(r->exitCode == 0);
        CHECK(lines(r->out).size() == 4);  // 0, 1, 2 and ls's own handle on the directory
    }

    TEST_CASE("the child sees only 0, 1, 2, with stdin from /dev/null") {
        int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
        REQUIRE(leaked >= 0);
        REQUIRE(::dup2(leaked, 57) == 57);
        auto r = mustRun({"ls", "-l", "/proc/self/fd"});
        ::close(57);
        ::close(leaked);
        REQUIRE(r.exitCode == 0);
        std::set<std::string> fds;
        std::string stdinTarget;
        for (const auto& line : lines(r.out)) {
            auto arrow = line.find(" -> ");
            if (arrow == std::string::npos) continue;
            auto nameStart = line.rfind(' ', arrow - 1) + 1;
            auto fd = line.substr(nameStart, arrow - nameStart);
            fds.insert(fd);
            if (fd == "0") stdinTarget = line.substr(arrow + 4);
            // ls's own handle on the directory it lists is the one extra entry allowed.
            if (fd != "0" && fd != "1" && fd != "2") CHECK_MESSAGE(line.find("/proc/") != std::string::npos, line);
        }
        CHECK(fds.count("0") == 1);
        CHECK(fds.count("1") == 1);
        CHECK(fds.count("2") == 1);
        CHECK(fds.count("57") == 0);
        CHECK(fds.size() == 4);
        CHECK(stdinTarget == "/dev/null");
        auto cat = mustRun({"cat"});
        CHECK(cat.exitCode == 0);
        CHECK(cat.out.empty());
    }

    TEST_CASE("a low RLIMIT_NOFILE works while the parent holds many descriptors") {
        // A server holds sockets and files at low numbers; the child's stdio set-up must happen before the limit
        // drops below them, or it fails with EMFILE.
        std::vector<int> held;
        for (int i = 0; i < 64; ++i) held.push_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        SubprocessOptions o;
        o.openFiles = 16;
        auto r = runSubprocess({"ls", "/proc/self/fd"}, o);
        for (int fd : held) ::close(fd);
        REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.error().message));
        CHECK(r->exitCode == 0);
        CHECK(lines(r->out).size() == 4);  // 0, 1, 2 and ls's own directory handle
    }

    TEST_CASE("the environment is PATH plus the explicit additions; the working directory is applied") {
        ::setenv("OBSCURA_TEST_SECRET", "do-not-leak", 1);
        SubprocessOptions o;
        o.environment = {"LC_ALL=C"};
        auto r = mustRun({"env"}, o);
        ::unsetenv("OBSCURA_TEST_SECRET");
        auto vars = lines(r.out);
        std::set<std::string> names;
        for (const auto& v : vars) names.insert(v.substr(0, v.find('=')));
        CHECK(names == std::set<std::string>{"PATH", "LC_ALL"});

        obscura::test::TempDir dir;
        SubprocessOptions in;
        in.workingDirectory = dir.path();
        auto pwd = mustRun({"/bin/pwd", "-P"}, in);
        char real[4096];
        REQUIRE(::realpath(dir.path().c_str(), real) != nullptr);
        CHECK(pwd.out == std::string(real) + "\n");

        SubprocessOptions nowhere;
        nowhere.workingDirectory = dir / "missing";
        auto fail = runSubprocess({"/bin/pwd"}, nowhere);
        REQUIRE_FALSE(fail.ok());
        CHECK(fail.error().code == obscura::ErrorCode::Internal);
        SubprocessOptions badEnvironment;
        badEnvironment.environment = {"NOEQUALS"};
        auto badEnv = runSubprocess({"/bin/true"}, badEnvironment);
        CHECK_FALSE(badEnv.ok());
    }

    TEST_CASE("signals we ignore or block are not inherited") {
        struct sigaction ignore {
        }, previous{};
        ignore.sa_handler = SIG_IGN;
        ::sigaction(SIGPIPE, &ignore, &previous);
        auto r = mustRun({"grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"});
        ::sigaction(SIGPIPE, &previous, nullptr);
        for (const auto& line : lines(r.out)) CHECK_MESSAGE(line.find("0000000000000000") != std::string::npos, line);
        CHECK(lines(r.out).size() == 2);
    }
}
