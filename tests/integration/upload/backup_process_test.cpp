// `obscura backup`, `backup verify` and `restore` against the real binary, and the server's scheduled backups:
// a backup taken while photos are uploading restores into a fresh data dir (and database) whose every asset reads
// back byte for byte with `obscura fsck` clean; damaged backups and non-empty targets are refused with nothing
// changed. One server for the binary, started once (SQLite, or MariaDB in the _mysql twin).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "mysql_test_database.hpp"
#include "upload_support.hpp"

using namespace obscura;
using namespace obscura::test;
namespace fs = std::filesystem;

namespace {

// The environment for a data dir: MySQL's database of its own in the _mysql twin, else SQLite in the data dir.
std::map<std::string, std::string> storageEnv(const std::string& dataDir) {
    std::map<std::string, std::string> env;
    if (storageUnderTest() != "mysql") return env;
    const auto& database = mysqlDatabaseFor(dataDir);
    env["OBSCURA_STORAGE_PLUGIN"] = "mysql";
    env["OBSCURA_DATABASE_URL"] = database.url();
    env["OBSCURA_DATABASE_PASSWORD"] = database.password();
    return env;
}

RunResult runObscura(std::vector<std::string> args, const std::string& dataDir,
                     std::map<std::string, std::string> extra = {}) {
    args.insert(args.begin(), obscuraBinary());
    args.insert(args.end(), {"--data-dir", dataDir});
    auto env = binaryEnv(storageEnv(dataDir));
    for (auto& [k, v] : extra) env[k] = v;
    return run(args, env, "", std::chrono::seconds(300));
}

RunResult verify(const std::string& dir) {
    return run({obscuraBinary(), "backup", "verify", dir}, binaryEnv(), "", std::chrono::seconds(120));
}

// A distinct JPEG each time: bytes after the end-of-image marker change the checksum, not the picture. The fixtures
// are made on first use (vips, ffmpeg, exiftool: slow on a loaded machine), so before any clock runs.
std::string photo(int n) {
    static const std::string base = Fixtures::get().bytes("plain.jpg");
    return base + "obscura-backup-test-" + std::to_string(n);
}

// Every file under dir with its bytes: "nothing changed" is this map, before and after.
std::map<std::string, std::string> snapshotOf(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& rel : filesUnder(dir)) files[rel] = readFile(dir + "/" + rel);
    return files;
}

// The server every case shares, its account, the photos it holds, and one backup taken while uploads ran.
struct World {
    TempDir work;
    std::string dataDir = work / "data";
    std::string backupDir = work / "backup";
    std::unique_ptr<BinaryServer> server;
    User alice;
    std::mutex mu;
    std::map<std::string, std::string> uploaded;  // asset id → bytes
    std::size_t beforeBackup = 0;

    static World& get() {
        static World world;
        return world;
    }

    World() {
        (void)photo(0);
        server = std::make_unique<BinaryServer>(dataDir, storageEnv(dataDir));
        HttpClient http(server->process->port());
        alice = firstUser(http);
    }

    void add(const std::string& id, const std::string& bytes) {
        std::lock_guard lock(mu);
        uploaded[id] = bytes;
    }
    std::size_t count() {
        std::lock_guard lock(mu);
        return uploaded.size();
    }
};

}  // namespace

TEST_SUITE("backup.process") {
    TEST_CASE("a backup taken while photos upload restores to a server whose every asset reads back byte for byte") {
        auto& w = World::get();
        std::atomic<bool> stop{false};
        std::atomic<int> failures{0};
        std::string lastFailure;  // written by the uploader only, read after it stopped
        std::thread uploader([&] {
            HttpClient http(w.server->process->port());
            for (int n = 0; !stop; ++n) {
                const std::string bytes = photo(n);
                auto r = upload(http, w.alice, "p" + std::to_string(n) + ".jpg", bytes);
                if (r.status != 201) {
                    if (++failures == 1) lastFailure = std::to_string(r.status) + " " + r.body;
                    continue;
                }
                w.add(bodyOf(r)["id"].get<std::string>(), bytes);
            }
        });
        if (!waitFor([&] { return w.count() >= 4; }, std::chrono::seconds(60))) {
            stop = true;
            uploader.join();
            FAIL("no uploads: " << lastFailure);
        }
        w.beforeBackup = w.count();
        auto backup = runObscura({"backup", "--to", w.backupDir}, w.dataDir);
        const std::size_t afterBackup = w.count();
        // Uploads kept arriving after the backup finished, too.
        CHECK(waitFor([&] { return w.count() >= afterBackup + 2; }, std::chrono::seconds(60)));
        stop = true;
        uploader.join();
        REQUIRE_MESSAGE(backup.exitCode == 0, backup.err);
        CHECK(contains(backup.out, "backup: done"));
        CHECK_MESSAGE(failures == 0, lastFailure);
        INFO("uploads before the backup: " << w.beforeBackup << ", after it: " << w.count());

        auto checked = verify(w.backupDir);
        CHECK_MESSAGE(checked.exitCode == 0, checked.err);
        CHECK(contains(checked.out, "is complete"));

        TempDir target;
        const std::string fresh = target / "data";
        auto restored = runObscura({"restore", "--from", w.backupDir}, fresh);
        REQUIRE_MESSAGE(restored.exitCode == 0, restored.err);
        CHECK(contains(restored.out, "restore: done"));

        {
            BinaryServer again(fresh, storageEnv(fresh));
            HttpClient http(again.process->port());
            auto session = login(http, "alice");
            std::set<std::string> listed;
            std::string cursor;
            do {
                auto page = http.get("/api/assets?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor),
                                     bearer(session.access));
                REQUIRE_MESSAGE(page.status == 200, page.body);
                const auto body = bodyOf(page);
                for (const auto& item : body["items"]) listed.insert(item["id"].get<std::string>());
                cursor = body["nextCursor"].is_string() ? body["nextCursor"].get<std::string>() : "";
            } while (!cursor.empty());
            // Everything uploaded before the backup began is there; what came during it may be; nothing else.
            CHECK(listed.size() >= w.beforeBackup);
            CHECK(listed.size() <= afterBackup);
            for (const auto& id : listed) {
                CAPTURE(id);
                REQUIRE(w.uploaded.count(id) == 1);
                auto original = http.get("/api/assets/" + id + "/original", bearer(session.access));
                REQUIRE(original.status == 200);
                CHECK(original.body == w.uploaded[id]);
            }
            again.stop();
        }
        auto fsck = fsckRun(fresh, binaryEnv(storageEnv(fresh)));
        CHECK_MESSAGE(fsck.exitCode == 0, fsck.out << fsck.err);
    }

    TEST_CASE("verify finds a tampered blob and a truncated database copy, and restore refuses both") {
        auto& w = World::get();
        REQUIRE(fs::exists(w.backupDir + "/manifest.json"));
        TempDir scratch;
        const std::string tampered = scratch / "tampered";
        fs::copy(w.backupDir, tampered, fs::copy_options::recursive);
        const auto blobs = filesUnder(tampered + "/blobs");
        REQUIRE_FALSE(blobs.empty());
        {
            std::fstream file(tampered + "/blobs/" + blobs.front(), std::ios::in | std::ios::out | std::ios::binary);
            file.seekp(10);
            file.put('\x5a');
        }
        auto found = verify(tampered);
        CHECK(found.exitCode == 1);
        CHECK(contains(found.err, "does not match its SHA-256"));
        const std::string target = scratch / "target";
        auto refused = runObscura({"restore", "--from", tampered}, target);
        CHECK(refused.exitCode == 1);
        CHECK(contains(refused.err, "does not match its SHA-256"));
        CHECK_FALSE(fs::exists(target));

        const std::string truncated = scratch / "truncated";
        fs::copy(w.backupDir, truncated, fs::copy_options::recursive);
        const std::string database = filesUnder(truncated + "/database").front();
        const std::string databasePath = truncated + "/database/" + database;
        fs::resize_file(databasePath, fs::file_size(databasePath) / 2);
        auto cut = verify(truncated);
        CHECK(cut.exitCode == 1);
        CHECK(contains(cut.err, "truncated"));
        CHECK(runObscura({"restore", "--from", truncated}, target).exitCode == 1);
        CHECK_FALSE(fs::exists(target));

        fs::remove(truncated + "/manifest.json");  // what a backup cut short leaves
        auto incomplete = verify(truncated);
        CHECK(incomplete.exitCode == 1);
        CHECK(contains(incomplete.err, "not a complete backup"));
    }

    TEST_CASE("backup into a non-empty or unwritable dir, and restore into a non-empty target, are refused") {
        auto& w = World::get();
        TempDir scratch;
        writeFile(scratch / "keep.txt", "mine");
        auto notEmpty = runObscura({"backup", "--to", scratch.path()}, w.dataDir);
        CHECK(notEmpty.exitCode == 1);
        CHECK(contains(notEmpty.err, "is not empty"));
        CHECK(snapshotOf(scratch.path()) == std::map<std::string, std::string>{{"keep.txt", "mine"}});

        auto underFile = runObscura({"backup", "--to", scratch / "keep.txt/backup"}, w.dataDir);
        CHECK(underFile.exitCode == 1);
        CHECK(contains(underFile.err, "cannot create"));
        if (::geteuid() != 0) {  // root writes anywhere
            fs::create_directory(scratch / "locked");
            fs::permissions(scratch / "locked", fs::perms::owner_read | fs::perms::owner_exec);
            auto locked = runObscura({"backup", "--to", scratch / "locked"}, w.dataDir);
            CHECK(locked.exitCode == 1);
            CHECK(contains(locked.err, "not writable"));
            fs::permissions(scratch / "locked", fs::perms::owner_all);
            CHECK(fs::is_empty(scratch / "locked"));
        }

        // A data dir that holds anything.
        const auto before = snapshotOf(scratch.path());
        auto busy = runObscura({"restore", "--from", w.backupDir}, scratch.path());
        CHECK(busy.exitCode == 1);
        CHECK(contains(busy.err, "is not empty"));
        CHECK(snapshotOf(scratch.path()) == before);

        // An empty data dir, but a database that holds rows: the running server's own. (SQLite's database lives in
        // the data dir: the case above.)
        if (storageUnderTest() == "mysql") {
            const std::string target = scratch / "empty";
            auto full = runObscura({"restore", "--from", w.backupDir}, target, storageEnv(w.dataDir));
            CHECK(full.exitCode == 1);
            CHECK_MESSAGE(contains(full.err, "already holds data"), full.err);
            CHECK_FALSE(fs::exists(target));
        }
    }

    TEST_CASE("scheduled backups run on their slots, keep the newest N and report the last success") {
        auto& w = World::get();
        TempDir scratch;
        const std::string dir = scratch / "scheduled";
        w.server->stop();
        w.server->env["OBSCURA_SERVER_BACKUP_SCHEDULE"] = "every 1s";
        w.server->env["OBSCURA_SERVER_BACKUP_DIR"] = dir;
        w.server->env["OBSCURA_SERVER_BACKUP_KEEP"] = "2";
        w.server->restart();
        std::set<std::string> seen;
        const auto complete = [&] {
            std::vector<std::string> names;
            std::error_code ec;
            for (const auto& entry : fs::directory_iterator(dir, ec)) {
                const auto name = entry.path().filename().string();
                seen.insert(name);
                if (fs::exists(entry.path() / "manifest.json")) names.push_back(name);
            }
            return names;
        };
        CHECK(waitFor([&] { return complete().size() == 2 && seen.size() >= 4; }, std::chrono::seconds(90)));
        for (const auto& name : complete()) CHECK(name.rfind("obscura-backup-", 0) == 0);
        HttpClient http(w.server->process->port());
        auto metrics = http.get("/metrics");
        REQUIRE(metrics.status == 200);
        const auto at = metrics.body.find("\nobscura_backup_last_success_timestamp_seconds ");
        REQUIRE(at != std::string::npos);
        const std::string line = metrics.body.substr(at + 1, metrics.body.find('\n', at + 1) - at - 1);
        CHECK(std::stod(line.substr(line.find(' ') + 1)) > 1.7e9);
        CHECK(contains(metrics.body, "\nobscura_backup_failures_total 0"));
        w.server->stop();  // a backup running finishes first, and is pruned after
        const auto kept = complete();
        REQUIRE(kept.size() == 2);
        auto newest = verify(dir + "/" + kept.back());
        CHECK_MESSAGE(newest.exitCode == 0, newest.err);

        // A dir the server cannot write to: each attempt fails and is counted.
        writeFile(scratch / "file", "x");
        w.server->env["OBSCURA_SERVER_BACKUP_DIR"] = scratch / "file";
        w.server->restart();
        HttpClient again(w.server->process->port());
        CHECK(waitFor(
            [&] {
                auto m = again.get("/metrics");
                return m.status == 200 && !contains(m.body, "\nobscura_backup_failures_total 0");
            },
            std::chrono::seconds(60)));
        w.server->stop();
        // A schedule that is not one stops the start with one clear line.
        auto env = w.server->env;
        env["OBSCURA_SERVER_BACKUP_SCHEDULE"] = "hourly";
        ServerProcess refused({"serve", "--port", "0", "--data-dir", w.dataDir}, env);
        CHECK_FALSE(refused.start());
        CHECK(contains(refused.log(), "server.backup.schedule 'hourly' is not a schedule"));
    }
}
