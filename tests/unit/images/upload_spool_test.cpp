// The resumable uploads' spool (resumable/upload_spool.hpp): what an append leaves in the file, the durable cut of
// bytes past the offset that lets the offset's commit run beside the bytes' sync, the sync itself, and the sweeper's
// orphan pass.
#include "resumable/upload_spool.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <utime.h>

#include <ctime>
#include <filesystem>
#include <string>
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
}
