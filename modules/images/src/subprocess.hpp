#pragma once
// Runs a helper program (ffprobe) on untrusted input, contained: an argument vector and execve (never a
// shell), a minimal environment (no secrets from ours), stdin from /dev/null, its own process group,
// resource limits set in the child before exec (CPU seconds, address space, file size, no core dumps), a
// wall-clock limit after which the whole group is killed, and bounded output.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "obscura/kernel/expected.hpp"

namespace obscura::images {

struct SubprocessLimits {
    std::chrono::milliseconds wallTime{15000};
    rlim_t cpuSeconds = 10;                   // soft limit: SIGXCPU; the hard limit one second later kills
    rlim_t addressSpaceBytes = 1ull << 30;
    rlim_t fileSizeBytes = 0;                 // a prober writes no files
    rlim_t openFiles = 64;
    std::size_t maxStdoutBytes = 1u << 20;    // more than this kills the child (output would be truncated)
    std::size_t maxStderrBytes = 16u << 10;   // beyond this stderr is discarded, not an error
};

struct SubprocessResult {
    int exitCode = -1;  // valid when signal == 0 and !timedOut
    int signal = 0;     // the signal that ended it, if any (SIGKILL after a timeout or an output overflow)
    bool timedOut = false;
    bool outputOverflow = false;
    std::string out, err;

    bool succeeded() const { return !timedOut && !outputOverflow && signal == 0 && exitCode == 0; }
};

// argv[0] is an absolute path or a name looked up on this process's PATH. Errors: the program cannot be
// found or started (Unavailable — a deployment problem, not a bad file), or a system call failed
// (Internal). Everything the child does, including dying, is reported in the result.
Expected<SubprocessResult> runSubprocess(const std::vector<std::string>& argv, const SubprocessLimits& limits);

// The absolute path of an executable: `name` itself when it contains a '/', else the first match on PATH.
Expected<std::string> findExecutable(const std::string& name);

}  // namespace obscura::images
