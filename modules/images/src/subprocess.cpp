#include "subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace obscura::images {
namespace {

using Clock = std::chrono::steady_clock;

// Closes both ends on scope exit unless released.
struct Pipe {
    int fd[2] = {-1, -1};
    ~Pipe() {
        for (int f : fd) {
            if (f >= 0) ::close(f);
        }
    }
    void closeEnd(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
};

Error sysError(const char* what) { return internalError(std::string(what) + ": " + std::strerror(errno)); }

// Only async-signal-safe calls between fork and exec: the parent may have other threads holding locks.
[[noreturn]] void execChild(const char* path, char* const* argv, char* const* envp, int nullFd, int outFd, int errFd,
                            int statusFd, const SubprocessLimits& limits) {
    ::setpgid(0, 0);
    auto limit = [](int resource, rlim_t soft, rlim_t hard) {
        struct rlimit rl{soft, hard};
        return ::setrlimit(resource, &rl) == 0;
    };
    bool ok = limit(RLIMIT_CPU, limits.cpuSeconds, limits.cpuSeconds + 1) &&
              limit(RLIMIT_AS, limits.addressSpaceBytes, limits.addressSpaceBytes) &&
              limit(RLIMIT_FSIZE, limits.fileSizeBytes, limits.fileSizeBytes) && limit(RLIMIT_CORE, 0, 0) &&
              limit(RLIMIT_NOFILE, limits.openFiles, limits.openFiles);
    // Dispositions set to "ignore" survive exec (a server ignores SIGPIPE); the child gets the defaults.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (ok && ::dup2(nullFd, 0) >= 0 && ::dup2(outFd, 1) >= 0 && ::dup2(errFd, 2) >= 0) {
        // Every other descriptor of ours (sockets, database files) closes on exec; the status pipe is
        // already close-on-exec, which is how the parent learns that exec succeeded.
        if (::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) != 0) {
            for (int fd = 3; fd < 4096; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
        ::execve(path, argv, envp);
    }
    int err = errno;
    (void)!::write(statusFd, &err, sizeof err);
    ::_exit(127);
}

void killGroup(pid_t pid) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
}

// Waits for the child to exit (killing it at the deadline), kills whatever it left in its process group, and
// only then reaps it: while the leader is an unreaped zombie its pid, hence the group id, cannot be reused,
// so the group kill cannot hit an unrelated process. Returns the wait status.
int reap(pid_t pid, Clock::time_point deadline, SubprocessResult& result) {
    for (;;) {
        siginfo_t info{};
        int r = ::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
        if (r == 0 && info.si_pid == pid) break;
        if (r < 0 && errno != EINTR) break;
        if (Clock::now() >= deadline) {
            result.timedOut = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    killGroup(pid);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

}  // namespace

Expected<std::string> findExecutable(const std::string& name) {
    if (name.empty()) return unavailable("no executable name given");
    if (name.find('/') != std::string::npos) {
        if (::access(name.c_str(), X_OK) != 0) return unavailable("cannot execute " + name + ": " + std::strerror(errno));
        return name;
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        if (!dir.empty() && dir.front() == '/') {
            std::string candidate = dir + "/" + name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate;
        }
        start = end + 1;
    }
    return unavailable(name + " not found on PATH; install it (Debian: apt-get install ffmpeg)");
}

Expected<SubprocessResult> runSubprocess(const std::vector<std::string>& args, const SubprocessLimits& limits) {
    if (args.empty()) return internalError("runSubprocess needs a program");
    OBSCURA_TRY(program, findExecutable(args[0]));
    // Everything the child needs is built before fork: it must not allocate.
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    static const char* kEnv[] = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", nullptr};

    Pipe out, err, status;
    if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0 || ::pipe2(status.fd, O_CLOEXEC) != 0) {
        return sysError("pipe2");
    }
    int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (nullFd < 0) return sysError("open /dev/null");
    auto deadline = Clock::now() + limits.wallTime;
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(nullFd);
        return sysError("fork");
    }
    if (pid == 0) {
        execChild(program.c_str(), argv.data(), const_cast<char* const*>(kEnv), nullFd, out.fd[1], err.fd[1],
                  status.fd[1], limits);
    }
    ::close(nullFd);
    out.closeEnd(1);
    err.closeEnd(1);
    status.closeEnd(1);

    SubprocessResult result;
    int execErrno = 0;
    ssize_t n;
    while ((n = ::read(status.fd[0], &execErrno, sizeof execErrno)) < 0 && errno == EINTR) {
    }
    if (n == static_cast<ssize_t>(sizeof execErrno)) {
        int st;
        while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
        }
        return unavailable("cannot start " + program + ": " + std::strerror(execErrno));
    }

    // Drain both pipes together: a child blocked on a full stderr pipe would otherwise never finish stdout.
    pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
    char buf[16384];
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            result.timedOut = true;
            killGroup(pid);
            break;
        }
        int r = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
        if (r < 0 && errno != EINTR) {
            killGroup(pid);
            reap(pid, deadline, result);
            return sysError("poll");
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                fds[i].fd = -1;  // EOF (the Pipe closes it)
                continue;
            }
            std::string& sink = i == 0 ? result.out : result.err;
            std::size_t cap = i == 0 ? limits.maxStdoutBytes : limits.maxStderrBytes;
            std::size_t room = cap > sink.size() ? cap - sink.size() : 0;
            sink.append(buf, std::min(room, static_cast<std::size_t>(got)));
            if (i == 0 && static_cast<std::size_t>(got) > room) {
                result.outputOverflow = true;
                killGroup(pid);
                fds[0].fd = fds[1].fd = -1;
            }
        }
    }
    int st = reap(pid, deadline, result);
    if (WIFEXITED(st)) result.exitCode = WEXITSTATUS(st);
    if (WIFSIGNALED(st)) result.signal = WTERMSIG(st);
    return result;
}

}  // namespace obscura::images
