#pragma once
// Runs a helper program (ffmpeg, ffprobe) on untrusted input, contained. Never through a shell: an argument
// vector and execve. The child gets a minimal environment (PATH plus what the caller adds — none of our
// secrets), stdin from /dev/null, only descriptors 0, 1 and 2, its own process group, and resource limits set
// in the child before exec. A wall-clock limit, a cancellation hook and an output bound all end in SIGKILL to
// the whole process group, so nothing a helper forks outlives it. Beast-free; Linux only.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

struct SubprocessOptions {
    // The child's PATH (also where a bare argv[0] is looked up). Its whole environment is PATH plus `environment`.
    std::string path = "/usr/local/bin:/usr/bin:/bin";
    std::vector<std::string> environment;  // extra "NAME=value" entries, e.g. "LC_ALL=C"
    std::string workingDirectory;          // empty: inherit ours

    // Limits set in the child with setrlimit (soft = hard, except CPU); unset = inherited. Core dumps are always
    // off: a crashing decoder must not write the untrusted input's pixels (or our memory) to disk.
    std::optional<rlim_t> cpuSeconds;         // SIGXCPU at the limit, SIGKILL one second later
    std::optional<rlim_t> addressSpaceBytes;  // RLIMIT_AS: allocations beyond it fail
    std::optional<rlim_t> fileSizeBytes;      // RLIMIT_FSIZE: a write beyond it raises SIGXFSZ
    std::optional<rlim_t> openFiles;          // RLIMIT_NOFILE

    std::chrono::milliseconds timeout{60000};  // wall clock from start; then the group is killed

    // stdout: the first maxStdoutBytes are kept. Beyond that the child is killed (killOnStdoutOverflow: the
    // caller needs all of it, e.g. ffprobe's JSON) or the rest is dropped (a progress stream read via onStdout).
    std::size_t maxStdoutBytes = 1u << 20;
    bool killOnStdoutOverflow = true;
    // stderr: only the last stderrTailBytes are kept — the end is where a tool says why it failed.
    std::size_t stderrTailBytes = 16u << 10;
    // Called on the waiting thread with each chunk of stdout as it arrives (before the capture bound applies).
    std::function<void(std::string_view)> onStdout;

    // Cancellation, checked at least every pollInterval while waiting: either hook set and true kills the group.
    // A JobQueue handler passes [&] { return !ctx.stillOwned(); } so stop() does not wait for a long ffmpeg.
    const std::atomic<bool>* cancelFlag = nullptr;
    std::function<bool()> cancelRequested;
    std::chrono::milliseconds pollInterval{50};
};

struct SubprocessResult {
    int exitCode = -1;  // valid when signal == 0
    int signal = 0;     // the signal that ended it (SIGKILL after a timeout, cancellation or overflow)
    bool timedOut = false;
    bool cancelled = false;
    bool stdoutOverflow = false;  // only with killOnStdoutOverflow
    std::string out;              // stdout, bounded
    std::string errTail;          // the last bytes of stderr
    bool errTruncated = false;    // errTail lost its beginning
    std::chrono::milliseconds elapsed{0};

    bool succeeded() const { return !timedOut && !cancelled && !stdoutOverflow && signal == 0 && exitCode == 0; }
    // One line for an error message: "exited with status 1", "killed by SIGXFSZ", "timed out after 5000 ms".
    std::string describe() const;
};

// Runs argv[0] (an absolute path, or a name looked up on options.path) to completion. Errors: the program is
// missing or cannot be executed (Unavailable — a deployment problem, not a bad file); a system call failed or
// the arguments are unusable (Internal). Everything the child does, dying included, is reported in the result.
// Thread-safe; blocks the calling thread. The caller's SIGCHLD must not be SIG_IGN (children would not be reapable).
Expected<SubprocessResult> runSubprocess(const std::vector<std::string>& argv, const SubprocessOptions& options);

// The first executable called `name` on `searchPath` (`name` itself when it holds a '/'); relative entries of
// searchPath are skipped so the working directory never supplies a program.
Expected<std::string> findExecutableOnPath(std::string_view name, std::string_view searchPath);

}  // namespace obscura
