#pragma once
// Helpers shared by every test tier: temp dirs, running the real `obscura` binary as a child process.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace obscura::test {

// A fresh directory under $TMPDIR, removed with everything in it when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& content);

struct RunResult {
    int exitCode = -1;  // -signal when killed by a signal
    std::string out, err;
};

// Runs a program to completion (argument vector, no shell) with extra environment variables.
RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
              const std::string& workDir = "", std::chrono::seconds timeout = std::chrono::seconds(60));

// The real server binary as a child process. start() waits for its "listening on" log line and reads the
// port from it, so tests can pass --port 0.
class ServerProcess {
public:
    ServerProcess(std::vector<std::string> args, std::map<std::string, std::string> env = {}, std::string workDir = "");
    ~ServerProcess();
    // True once listening; false when the process exited first (see exitCode()/log()).
    bool start(std::chrono::seconds timeout = std::chrono::seconds(30));
    // Runs args as given instead (args[0] found on PATH: another server a test needs, e.g. an SMTP server),
    // without waiting for anything. False when it could not be started.
    bool startProgram();
    int port() const { return port_; }
    int pid() const { return pid_; }
    void signal(int sig);
    // Waits for exit; returns the exit code (or -signal), nullopt on timeout.
    std::optional<int> wait(std::chrono::seconds timeout);
    std::string log() const;  // everything it wrote to stderr so far

private:
    std::vector<std::string> args_;
    std::map<std::string, std::string> env_;
    std::string workDir_;
    std::string logPath_;
    int pid_ = -1;
    int port_ = 0;
    std::optional<int> exit_;
};

// OBSCURA_BINARY, compiled into each test by obscura_add_test.
std::string obscuraBinary();
std::string pluginDir();
std::string sourceDir();

}  // namespace obscura::test
