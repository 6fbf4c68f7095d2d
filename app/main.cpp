// obscura: config → storage plugin → modules → HTTP, until SIGTERM/SIGINT.
#include <malloc.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "app.hpp"
#include "backup_command.hpp"
#include "cli.hpp"
#include "fsck.hpp"
#include "healthcheck.hpp"
#include "import/import_command.hpp"
#include "migrate_blobs.hpp"
#include "migrate_storage.hpp"
#include "obscura/base/clock.hpp"
#include "obscura/kernel/config.hpp"

namespace {

int fail(const std::string& message) {
    std::cerr << "obscura: " << message << std::endl;
    return 1;
}

obscura::Expected<obscura::Config> loadConfig(const obscura::CliCommand& cmd) {
    return obscura::Config::load(obscura::makeConfigSources(cmd, obscura::Config::processEnvironment()));
}

// From the first line of stdin with --password-stdin, else from OBSCURA_USER_PASSWORD: never from a flag,
// which any user of the machine could read in the process list.
std::optional<std::string> newUserPassword(const obscura::CliCommand& cmd) {
    if (cmd.user.passwordFromStdin) {
        std::string line;
        if (!std::getline(std::cin, line)) return std::nullopt;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return line;
    }
    if (const char* env = std::getenv("OBSCURA_USER_PASSWORD")) return std::string(env);
    return std::nullopt;
}

int createUser(const obscura::CliCommand& cmd, const obscura::Clock& clock) {
    auto config = loadConfig(cmd);
    if (!config) return fail(config.error().message);
    auto password = newUserPassword(cmd);
    if (!password) return fail("no password: pipe it in with --password-stdin or set OBSCURA_USER_PASSWORD");
    obscura::auth::NewUser user;
    user.username = cmd.user.username;
    user.password = std::move(*password);
    user.email = cmd.user.email;
    user.displayName = cmd.user.displayName;
    user.isAdmin = cmd.user.admin;
    obscura::App app(std::move(*config), clock);
    auto created = app.createUser(user);
    if (!created) return fail(created.error().message);
    std::cout << "created user " << created->username << (created->isAdmin ? " (admin)" : "") << " with id "
              << created->id << std::endl;
    return 0;
}

int serve(const obscura::CliCommand& cmd, const obscura::Clock& clock) {
    auto config = loadConfig(cmd);
    if (!config) return fail(config.error().message);
    // Block the stop signals in every thread (the server's threads inherit this mask) and take them here.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    obscura::App app(std::move(*config), clock);
    if (auto s = app.start(); !s) return fail(s.error().message);
    int signal = 0;
    sigwait(&stopSignals, &signal);
    std::cerr << "obscura: " << (signal == SIGTERM ? "SIGTERM" : "SIGINT") << " received, draining" << std::endl;
    // Readiness fails at once; requests are still served for server.drainDelaySeconds, the time a load balancer
    // needs to notice (its health-check interval × fall count) and stop routing here. A second signal cuts it short.
    // Then stop(): the listener closes and in-flight requests and uploads get server.drainSeconds to finish.
    app.beginDrain();
    const auto delay = app.config().getInt("server.drainDelaySeconds");
    if (delay > 0) {
        const timespec wait{static_cast<time_t>(delay), 0};
        if (sigtimedwait(&stopSignals, nullptr, &wait) > 0)
            std::cerr << "obscura: second signal, stopping without waiting for the load balancer" << std::endl;
    }
    app.stop();
    std::cerr << "obscura: stopped" << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // Two malloc arenas instead of glibc's 8 per core: every libvips and job thread otherwise keeps an arena of its
    // own, and what a photo's decoding freed stays there. 40 photos left the server at 254-320 MiB; with 2 arenas
    // (and the job queue's trim after each batch) at ~104 MiB (bench/memory/processing_rss.sh). MALLOC_ARENA_MAX
    // in the environment still decides.
    if (std::getenv("MALLOC_ARENA_MAX") == nullptr) ::mallopt(M_ARENA_MAX, 2);
    // glibc gives back the free top of a heap above its trim threshold (128 KiB until an mmap'd block is freed,
    // then twice that block's size: mallopt(3), "dynamic mmap threshold"). Until then every uncached listing page
    // (~100 KiB) was trimmed on free and page-faulted back in by the next: ~15 % of its CPU. Freeing one 1 MiB
    // mmap'd block starts the threshold where a working server gets anyway (2 MiB), and keeps it dynamic, unlike
    // setting M_TRIM_THRESHOLD (which would also pin the mmap threshold at 128 KiB for libvips' buffers).
    void* block = std::malloc(std::size_t{1} << 20);
    asm volatile("" : : "r"(block) : "memory");  // not elided: the free of a real mmap'd block is the point
    std::free(block);
    auto cmd = obscura::parseCli(argc, argv);
    // The one real clock: everything else reads time from it (a test may give the App a FakeClock instead).
    const obscura::SystemClock clock;
    switch (cmd.kind) {
        case obscura::CliCommand::Help:
            (cmd.exitCode == 0 ? std::cout : std::cerr) << cmd.output;
            return cmd.exitCode;
        case obscura::CliCommand::Version:
            std::cout << "obscura " << obscura::obscuraVersion() << std::endl;
            return 0;
        case obscura::CliCommand::Healthcheck: {
            // The configured port and host when the configuration loads; the flags' URL otherwise, so a
            // container probe still works when the environment is broken in some unrelated way.
            auto config = loadConfig(cmd);
            std::string url = config ? obscura::healthcheckUrl(cmd, *config) : cmd.healthUrl;
            std::string detail;
            bool ok = obscura::httpHealthcheck(url, detail);
            (ok ? std::cout : std::cerr) << detail << std::endl;
            return ok ? 0 : 1;
        }
        case obscura::CliCommand::ConfigCheck: {
            auto config = loadConfig(cmd);
            if (!config) return fail(config.error().message);
            std::cout << config->describe();
            std::cout << "configuration is valid" << std::endl;
            return 0;
        }
        case obscura::CliCommand::Migrate: {
            auto config = loadConfig(cmd);
            if (!config) return fail(config.error().message);
            obscura::App app(std::move(*config), clock);
            auto report = app.migrateOnly();
            if (!report) return fail(report.error().message);
            std::cout << *report;
            return 0;
        }
        case obscura::CliCommand::UserCreate:
            return createUser(cmd, clock);
        case obscura::CliCommand::Fsck: {
            auto config = loadConfig(cmd);
            if (!config) return fail(config.error().message);
            return obscura::runFsckCommand(cmd.fsck, std::move(*config), clock, std::cout, std::cerr);
        }
        case obscura::CliCommand::MigrateStorage: {
            auto config = loadConfig(cmd);
            if (!config) return fail(config.error().message);
            obscura::MigrateStorageOptions options;
            options.from = cmd.copy.from;
            options.to = cmd.copy.to;
            options.password = config->getString("database.password");
            options.pluginDir = config->getString("storage.pluginDir");
            auto summary = obscura::migrateStorage(options, std::cout);
            if (!summary) return fail(summary.error().message);
            std::cout << *summary;
            return 0;
        }
        case obscura::CliCommand::MigrateBlobs: {
            auto config = loadConfig(cmd);
            if (!config) return fail(config.error().message);
            auto summary = obscura::migrateBlobs(*config, {cmd.blobCopy.from, cmd.blobCopy.to}, std::cout);
            if (!summary) return fail(summary.error().message);
            std::cout << *summary;
            return 0;
        }
        case obscura::CliCommand::Import: {
            auto config = loadConfig(cmd);
            if (!config) return fail(config.error().message);
            return obscura::runImportCommand(cmd.import, std::move(*config), clock, std::cout, std::cerr);
        }
        case obscura::CliCommand::Backup:
        case obscura::CliCommand::BackupVerify:
        case obscura::CliCommand::Restore: {
            auto config = loadConfig(cmd);
            if (!config) return fail(config.error().message);
            return obscura::runBackupCommand(cmd, *config, clock, std::cout, std::cerr);
        }
        case obscura::CliCommand::Serve:
            return serve(cmd, clock);
    }
    return 2;
}
