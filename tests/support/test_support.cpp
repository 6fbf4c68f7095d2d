#include "test_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace obscura::test {
namespace {

std::vector<char*> cStrings(std::vector<std::string>& v) {
    std::vector<char*> out;
    for (auto& s : v) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Forks and execs with stdout/stderr redirected to files; returns the pid.
int spawn(std::vector<std::string> argv, const std::map<std::string, std::string>& env, const std::string& workDir,
          const std::string& outPath, const std::string& errPath) {
    int pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int out = ::open(outPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = ::open(errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        if (!workDir.empty() && ::chdir(workDir.c_str()) != 0) ::_exit(126);
        for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        auto args = cStrings(argv);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

std::optional<int> waitFor(int pid, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        int status = 0;
        int rc = ::waitpid(pid, &status, WNOHANG);
        if (rc == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
        if (rc < 0) return -1;
        if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/obscura-test-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

RunResult run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
              const std::string& workDir, std::chrono::seconds timeout) {
    TempDir io;
    int pid = spawn(argv, env, workDir, io / "out", io / "err");
    RunResult r;
    auto code = waitFor(pid, timeout);
    if (!code) {
        ::kill(pid, SIGKILL);
        code = waitFor(pid, std::chrono::seconds(5));
    }
    r.exitCode = code.value_or(-1);
    r.out = readFile(io / "out");
    r.err = readFile(io / "err");
    return r;
}

ServerProcess::ServerProcess(std::vector<std::string> args, std::map<std::string, std::string> env, std::string workDir)
    : args_(std::move(args)), env_(std::move(env)), workDir_(std::move(workDir)) {
    char tmpl[] = "/tmp/obscura-server-log-XXXXXX";
    int fd = ::mkstemp(tmpl);
    ::close(fd);
    logPath_ = tmpl;
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0 && !exit_) {
        ::kill(pid_, SIGKILL);
        waitFor(pid_, std::chrono::seconds(5));
    }
    ::unlink(logPath_.c_str());
}

bool ServerProcess::start(std::chrono::seconds timeout) {
    std::vector<std::string> argv = args_;
    argv.insert(argv.begin(), obscuraBinary());
    pid_ = spawn(argv, env_, workDir_, "/dev/null", logPath_);
    static const std::regex kListening(R"(listening on [^ ]*:(\d+))");
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        std::smatch m;
        auto text = log();
        if (std::regex_search(text, m, kListening)) {
            port_ = std::stoi(m[1]);
            return true;
        }
        if (auto code = waitFor(pid_, std::chrono::milliseconds(0))) {
            exit_ = code;
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return false;
}

bool ServerProcess::startProgram() {
    pid_ = spawn(args_, env_, workDir_, "/dev/null", logPath_);
    return pid_ > 0;
}

void ServerProcess::signal(int sig) {
    if (pid_ > 0 && !exit_) ::kill(pid_, sig);
}

std::optional<int> ServerProcess::wait(std::chrono::seconds timeout) {
    if (exit_) return exit_;
    exit_ = waitFor(pid_, timeout);
    return exit_;
}

std::string ServerProcess::log() const { return readFile(logPath_); }

std::string obscuraBinary() { return OBSCURA_BINARY; }
std::string pluginDir() { return OBSCURA_PLUGIN_DIR; }
std::string sourceDir() { return OBSCURA_SOURCE_DIR; }

}  // namespace obscura::test
