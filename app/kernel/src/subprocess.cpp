#include "obscura/kernel/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace obscura {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How long to keep reading after the program itself exited: its process group is killed at that moment, so the
// pipes reach EOF at once unless something left the group (setsid) still holds them — then we stop waiting.
constexpr auto kDrainAfterExit = std::chrono::milliseconds(2000);

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_ = -1;
};

struct Pipe {
    Fd read, write;
    bool open() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return false;
        read.reset(fds[0]);
        write.reset(fds[1]);
        return true;
    }
};

// What the child reports through the status pipe when it fails before exec.
enum class ChildStage : int { Directory = 1, Limits = 2, Descriptors = 3, Exec = 4 };
struct ChildFailure {
    ChildStage stage;
    int error;
};

struct Limit {
    int resource;
    rlimit value;
};

// Everything the child needs, prepared before fork: between fork and exec only async-signal-safe calls are
// allowed (another thread of ours may have held the allocator's lock at the moment of fork).
struct ChildPlan {
    const char* program;
    char* const* argv;
    char* const* envp;
    const char* directory;  // nullptr: stay
    const Limit* limits;
    std::size_t limitCount;
    int stdinFd, stdoutFd, stderrFd, statusFd;
};

[[noreturn]] void failChild(int statusFd, ChildStage stage) {
    ChildFailure failure{stage, errno};
    (void)!::write(statusFd, &failure, sizeof failure);
    ::_exit(127);
}

[[noreturn]] void runChild(const ChildPlan& plan) {
    // Handlers are reset by exec, but "ignored" survives it (a server ignores SIGPIPE; the child must not, and
    // SIGXFSZ/SIGXCPU must keep their default action for the limits to bite). Signals stay blocked until exec.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);
    }
    ::setpgid(0, 0);
    if (plan.directory && ::chdir(plan.directory) != 0) failChild(plan.statusFd, ChildStage::Directory);
    // Lift the three sources above 2 first: one of them may itself be 0, 1 or 2 when our own stdio is closed,
    // and dup2 onto itself would keep its close-on-exec flag.
    int sources[3] = {plan.stdinFd, plan.stdoutFd, plan.stderrFd};
    for (int& fd : sources) {
        fd = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0) failChild(plan.statusFd, ChildStage::Descriptors);
    }
    for (int target = 0; target < 3; ++target) {
        if (::dup2(sources[target], target) < 0) failChild(plan.statusFd, ChildStage::Descriptors);
    }
    // Every other descriptor (sockets, the database, other children's pipes) is marked close-on-exec rather than
    // closed, so the status pipe stays open until exec succeeds — that is how the parent learns it did.
    if (::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC, Linux 5.11 */) != 0) {
        rlimit nofile{};
        rlim_t top =
            ::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY ? nofile.rlim_cur : 65536;
        for (rlim_t fd = 3; fd < top; ++fd) ::fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC);
    }
    // Limits last: a server has many descriptors open, so with RLIMIT_NOFILE already lowered the F_DUPFD above
    // (whose lowest free descriptor may lie past the limit) would fail with EMFILE, and the close-on-exec loop
    // would stop at the new limit and leak the descriptors above it into the child.
    for (std::size_t i = 0; i < plan.limitCount; ++i) {
        if (::setrlimit(plan.limits[i].resource, &plan.limits[i].value) != 0)
            failChild(plan.statusFd, ChildStage::Limits);
    }
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(plan.program, plan.argv, plan.envp);
    failChild(plan.statusFd, ChildStage::Exec);
}

void killGroup(pid_t pid) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);  // in case the child died before its setpgid and ours both
}

// True once the child has exited; it stays a zombie (WNOWAIT) so its pid — hence its process group id — cannot
// be reused before we kill that group.
bool hasExited(pid_t pid) {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

Error sysError(const std::string& what) { return internalError(what + ": " + std::strerror(errno)); }

bool cancelRequested(const SubprocessOptions& options) {
    if (options.cancelFlag && options.cancelFlag->load(std::memory_order_relaxed)) return true;
    return options.cancelRequested && options.cancelRequested();
}

std::vector<Limit> limitsFor(const SubprocessOptions& o) {
    std::vector<Limit> limits{{RLIMIT_CORE, {0, 0}}};
    if (o.cpuSeconds) limits.push_back({RLIMIT_CPU, {*o.cpuSeconds, *o.cpuSeconds + 1}});
    if (o.addressSpaceBytes) limits.push_back({RLIMIT_AS, {*o.addressSpaceBytes, *o.addressSpaceBytes}});
    if (o.fileSizeBytes) limits.push_back({RLIMIT_FSIZE, {*o.fileSizeBytes, *o.fileSizeBytes}});
    if (o.openFiles) limits.push_back({RLIMIT_NOFILE, {*o.openFiles, *o.openFiles}});
    return limits;
}

// Reads both pipes until EOF while watching the clock, the cancellation hooks and the child.
void collect(pid_t pid, int pidFd, Pipe& out, Pipe& err, SteadyClock::time_point start,
             const SubprocessOptions& options, SubprocessResult& result) {
    const auto deadline = start + options.timeout;
    std::optional<SteadyClock::time_point> exitedAt;
    bool killed = false;
    auto killOnce = [&] {
        if (!killed) killGroup(pid);
        killed = true;
    };
    char buffer[16384];
    pollfd fds[3] = {{out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}, {pidFd, POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0 || !exitedAt) {
        auto now = SteadyClock::now();
        if (!killed && now >= deadline) {
            result.timedOut = true;
            killOnce();
        }
        if (!killed && cancelRequested(options)) {
            result.cancelled = true;
            killOnce();
        }
        if (!exitedAt && (pidFd < 0 || fds[2].revents) && hasExited(pid)) {
            exitedAt = now;
            killOnce();  // whatever it left behind in its group dies with it
            fds[2].fd = -1;
        }
        if (exitedAt && now - *exitedAt > kDrainAfterExit) break;
        auto wait = options.pollInterval;
        if (!killed) wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
        if (pidFd < 0 && !exitedAt) wait = std::min(wait, std::chrono::milliseconds(10));  // no pidfd: poll waitid
        for (auto& p : fds) p.revents = 0;
        int ready = ::poll(fds, 3, static_cast<int>(std::max<long long>(wait.count(), 0)));
        if (ready < 0 && errno != EINTR) {
            killOnce();
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
            if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (got <= 0) {
                fds[i].fd = -1;  // EOF; the Pipe closes it
                continue;
            }
            std::string_view chunk(buffer, static_cast<std::size_t>(got));
            if (i == 0) {
                if (options.onStdout) options.onStdout(chunk);
                std::size_t room = options.maxStdoutBytes - std::min(options.maxStdoutBytes, result.out.size());
                result.out.append(chunk.substr(0, room));
                if (chunk.size() > room && options.killOnStdoutOverflow && !result.stdoutOverflow) {
                    result.stdoutOverflow = true;
                    killOnce();
                }
            } else {
                result.errTail.append(chunk);
                // Trim in large steps so a chatty child costs amortised O(1) per byte.
                if (result.errTail.size() > 2 * options.stderrTailBytes + sizeof buffer) {
                    result.errTail.erase(0, result.errTail.size() - options.stderrTailBytes);
                    result.errTruncated = true;
                }
            }
        }
    }
    if (result.errTail.size() > options.stderrTailBytes) {
        result.errTail.erase(0, result.errTail.size() - options.stderrTailBytes);
        result.errTruncated = true;
    }
    if (!exitedAt) killOnce();
}

}  // namespace

std::string SubprocessResult::describe() const {
    std::string d;
    if (timedOut) {
        d = "timed out after " + std::to_string(elapsed.count()) + " ms";
    } else if (cancelled) {
        d = "cancelled";
    } else if (stdoutOverflow) {
        d = "killed: too much output";
    } else if (signal != 0) {
        const char* name = ::sigabbrev_np(signal);
        d = std::string("killed by ") + (name ? std::string("SIG") + name : "signal " + std::to_string(signal));
    } else {
        d = "exited with status " + std::to_string(exitCode);
    }
    return d;
}

Expected<std::string> findExecutableOnPath(std::string_view name, std::string_view searchPath) {
    if (name.empty()) return internalError("no program given");
    auto executable = [](const std::string& p) {
        struct stat st {};
        return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
    };
    if (name.find('/') != std::string_view::npos) {
        std::string p(name);
        if (!executable(p)) return unavailable("cannot execute " + p + ": " + std::strerror(errno ? errno : EACCES));
        return p;
    }
    while (!searchPath.empty()) {
        auto colon = searchPath.find(':');
        auto dir = searchPath.substr(0, colon);
        searchPath = colon == std::string_view::npos ? std::string_view{} : searchPath.substr(colon + 1);
        if (dir.empty() || dir.front() != '/') continue;
        std::string candidate = std::string(dir) + "/" + std::string(name);
        if (executable(candidate)) return candidate;
    }
    return unavailable(std::string(name) + " is not installed (not found on PATH)");
}

Expected<SubprocessResult> runSubprocess(const std::vector<std::string>& args, const SubprocessOptions& options) {
    if (args.empty()) return internalError("runSubprocess: empty argument vector");
    for (const auto& a : args) {
        if (a.find('\0') != std::string::npos) return internalError("runSubprocess: NUL byte in an argument");
    }
    std::vector<std::string> env{"PATH=" + options.path};
    for (const auto& e : options.environment) {
        if (e.find('=') == std::string::npos || e.find('\0') != std::string::npos)
            return internalError("runSubprocess: bad environment entry '" + e + "'");
        env.push_back(e);
    }
    OBSCURA_TRY(program, findExecutableOnPath(args[0], options.path));
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    auto limits = limitsFor(options);

    Pipe out, err, status;
    if (!out.open() || !err.open() || !status.open()) return sysError("pipe2");
    Fd devNull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (devNull.get() < 0) return sysError("open /dev/null");
    ChildPlan plan{program.c_str(), argv.data(),
                   envp.data(),     options.workingDirectory.empty() ? nullptr : options.workingDirectory.c_str(),
                   limits.data(),   limits.size(),
                   devNull.get(),   out.write.get(),
                   err.write.get(), status.write.get()};

    // Block every signal across fork so none of our handlers runs in the child before it resets them.
    sigset_t all, previous;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &previous);
    auto start = SteadyClock::now();
    pid_t pid = ::fork();
    if (pid == 0) runChild(plan);
    int forkErrno = errno;
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (pid < 0) {
        errno = forkErrno;
        return sysError("fork");
    }
    ::setpgid(pid, pid);  // also here, so a kill sent before the child ran reaches its group (EACCES after exec: fine)
    out.write.reset();
    err.write.reset();
    status.write.reset();
    devNull.reset();

    ChildFailure failure{};
    ssize_t n;
    while ((n = ::read(status.read.get(), &failure, sizeof failure)) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof failure)) {
        int st = 0;
        while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        std::string why = std::strerror(failure.error);
        switch (failure.stage) {
            case ChildStage::Exec:
                return unavailable("cannot start " + program + ": " + why);
            case ChildStage::Directory:
                return internalError("cannot enter " + options.workingDirectory + " for " + program + ": " + why);
            case ChildStage::Limits:
                return internalError("cannot set resource limits for " + program + ": " + why);
            case ChildStage::Descriptors:
                return internalError("cannot set up stdio for " + program + ": " + why);
        }
    }

    Fd pidFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));  // -1 without pidfd support: collect() polls
    SubprocessResult result;
    collect(pid, pidFd.get(), out, err, start, options, result);
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - start);
    if (WIFEXITED(st)) result.exitCode = WEXITSTATUS(st);
    if (WIFSIGNALED(st)) result.signal = WTERMSIG(st);
    return result;
}

}  // namespace obscura
