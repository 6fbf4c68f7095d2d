// The resumable uploads' spool (resumable/upload_spool.hpp): what an append leaves in the file, the durable cut of
// bytes past the offset that lets the offset's commit run beside the bytes' sync, the sync itself and its early part
// on the spool's thread, and the sweeper's orphan pass.
#include "resumable/upload_spool.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <utime.h>

#include <ctime>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace obscura;
using namespace obscura::images;
namespace fs = std::filesystem;

namespace {

const std::string kId = "0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11";

// Records the spool's syncs (and lets the data sync fail).
struct SyncRecorder final : DurabilityOps {
    std::vector<std::string> calls;
    bool failDataSync = false;
    int fsyncFile(int fd) override {
        calls.push_back("fsync");
        return DurabilityOps::fsyncFile(fd);
    }
    int syncFileData(int fd) override {
        calls.push_back("fdatasync");
        return failDataSync ? EIO : DurabilityOps::syncFileData(fd);
    }
};

// Counts the data syncs made off the test's thread (the early ones) and can make those fail.
struct EarlySyncRecorder final : DurabilityOps {
    std::thread::id testThread = std::this_thread::get_id();
    std::mutex mutex;
    int early = 0;
    int onTestThread = 0;
    bool failEarly = false;
    int syncFileData(int fd) override {
        std::lock_guard lock(mutex);
        if (std::this_thread::get_id() == testThread) {
            ++onTestThread;
            return DurabilityOps::syncFileData(fd);
        }
        ++early;
        return failEarly ? EIO : DurabilityOps::syncFileData(fd);
    }
};

// Writes `mib` MiB in 64 KiB pieces, as a PATCH's body arrives.
void writeMiB(SpoolAppender& appender, int mib) {
    const std::string piece(64 << 10, 'x');
    for (int i = 0; i < mib * 16; ++i) REQUIRE(appender.write(piece).ok());
}

void backdate(const std::string& path, std::time_t seconds) {
    const std::time_t then = std::time(nullptr) - seconds;
    struct utimbuf times {
        then, then
    };
    REQUIRE(::utime(path.c_str(), &times) == 0);
}

}  // namespace

TEST_SUITE("images.upload_spool") {
    TEST_CASE("an append writes at the offset, syncs with one fdatasync, and the size is the file's") {
        test::TempDir dir;
        SyncRecorder ops;
        UploadSpool spool(dir / "uploads", ops);
        REQUIRE(spool.create(kId).ok());
        ops.calls.clear();
        {
            auto appender = spool.appendAt(kId, 0, true);
            REQUIRE(appender);
            REQUIRE(appender->write("hello ").ok());
            REQUIRE(appender->write("world").ok());
            CHECK(appender->written() == 11);
            REQUIRE(appender->sync(ops).ok());
        }
        CHECK(ops.calls == std::vector<std::string>{"fdatasync"});
        CHECK(test::readFile(spool.path(kId)) == "hello world");
        auto size = spool.size(kId);
        REQUIRE(size);
        CHECK(*size == 11);

        ops.failDataSync = true;
        auto again = spool.appendAt(kId, 11, true);
        REQUIRE(again);
        REQUIRE(again->write("!").ok());
        CHECK_FALSE(again->sync(ops).ok());  // a failed sync is the append's failure
    }

    TEST_CASE("bytes past the offset (a PATCH that never committed) are cut durably before the next append") {
        test::TempDir dir;
        SyncRecorder ops;
        UploadSpool spool(dir / "uploads", ops);
        REQUIRE(spool.create(kId).ok());
        {
            auto first = spool.appendAt(kId, 0, true);
            REQUIRE(first);
            REQUIRE(first->write("committed|never committed").ok());
        }
        ops.calls.clear();
        {
            auto next = spool.appendAt(kId, 10, true);
            REQUIRE(next);
            // The cut is made durable at once: the next write only ever extends the file.
            CHECK(ops.calls == std::vector<std::string>{"fdatasync"});
            CHECK(fs::file_size(spool.path(kId)) == 10);
            REQUIRE(next->write("resumed").ok());
        }
        CHECK(test::readFile(spool.path(kId)) == "committed|resumed");

        // The blob store's tail copy is not the durable one: nothing is cut or synced for it.
        ops.calls.clear();
        REQUIRE(spool.appendAt(kId, 3, false));
        CHECK(ops.calls.empty());
        CHECK(fs::file_size(spool.path(kId)) == 17);
    }

    TEST_CASE("a file shorter than the offset tells its size; a missing one is upload_gone") {
        test::TempDir dir;
        UploadSpool spool(dir / "uploads");
        REQUIRE(spool.create(kId).ok());
        test::writeFile(spool.path(kId), "12345");
        auto size = spool.size(kId);
        REQUIRE(size);
        CHECK(*size == 5);
        CHECK_FALSE(spool.appendAt(kId, 9, true).ok());
        spool.remove(kId);
        auto gone = spool.size(kId);
        REQUIRE_FALSE(gone);
        CHECK(gone.error().reason == "upload_gone");
    }

    TEST_CASE("the orphan pass removes spool files untouched for longer than its age, and only those") {
        test::TempDir dir;
        UploadSpool spool(dir / "uploads");
        const std::string fresh = "1c6b7b1e-8f0e-4c57-9d1e-3f0d3a4b5c6d";
        REQUIRE(spool.create(kId).ok());
        REQUIRE(spool.create(fresh).ok());
        backdate(spool.path(kId), 3 * 24 * 3600);
        backdate(spool.path(fresh), 3600);
        CHECK(spool.removeStale(std::chrono::hours(48)) == 1);
        CHECK_FALSE(fs::exists(spool.path(kId)));
        CHECK(fs::exists(spool.path(fresh)));
    }

    TEST_CASE("a durable append is synced on the spool's thread while it arrives; the answer's sync still runs") {
        test::TempDir dir;
        EarlySyncRecorder ops;
        UploadSpool spool(dir / "uploads", ops);
        REQUIRE(spool.create(kId).ok());
        {
            auto appender = spool.appendAt(kId, 0, true);
            REQUIRE(appender);
            writeMiB(*appender, 3);
            REQUIRE(appender->sync(ops).ok());  // waits for an early sync still running
        }
        {
            std::lock_guard lock(ops.mutex);
            CHECK(ops.early >= 1);
            CHECK(ops.onTestThread == 1);  // the one before the answer, whatever ran early
        }
        CHECK(fs::file_size(spool.path(kId)) == 3u << 20);

        // The blob store's tail copy is not the durable one: nothing is synced early for it.
        ops.early = 0;
        {
            auto tail = spool.appendAt(kId, 0, false);
            REQUIRE(tail);
            writeMiB(*tail, 3);
        }
        std::lock_guard lock(ops.mutex);
        CHECK(ops.early == 0);
    }

    TEST_CASE("a failed early sync fails the append's sync, though the last one succeeds") {
        // Linux reports a write-back error to one sync of a file description only, and the early one shares it.
        test::TempDir dir;
        EarlySyncRecorder ops;
        ops.failEarly = true;
        UploadSpool spool(dir / "uploads", ops);
        REQUIRE(spool.create(kId).ok());
        auto appender = spool.appendAt(kId, 0, true);
        REQUIRE(appender);
        writeMiB(*appender, 2);
        auto synced = appender->sync(ops);
        REQUIRE_FALSE(synced.ok());
        CHECK(synced.error().message.find("fsync of the upload failed") != std::string::npos);
    }
}
