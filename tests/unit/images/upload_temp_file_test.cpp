#include "upload/upload_temp_file.hpp"

#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "test_support.hpp"

using namespace obscura;
using namespace obscura::images;
using namespace obscura::formats;
namespace fs = std::filesystem;

namespace {

// Records every durability call in order and can make one of them fail.
struct RecordingOps final : DurabilityOps {
    std::vector<std::string> calls;
    std::string failOn;  // "fsyncFile", "fsyncDirectory", "makeDirectory" or "rename"
    int failErrno = EIO;

    int fsyncFile(int fd) override {
        calls.push_back("fsyncFile");
        return failOn == "fsyncFile" ? failErrno : DurabilityOps::fsyncFile(fd);
    }
    int fsyncDirectory(const std::string& dir) override {
        calls.push_back("fsyncDirectory " + fs::path(dir).filename().string());
        return failOn == "fsyncDirectory" ? failErrno : DurabilityOps::fsyncDirectory(dir);
    }
    int makeDirectory(const std::string& dir) override {
        int rc = failOn == "makeDirectory" ? failErrno : DurabilityOps::makeDirectory(dir);
        calls.push_back("makeDirectory " + fs::path(dir).filename().string() + (rc == EEXIST ? " (exists)" : ""));
        return rc;
    }
    int renameNoReplace(const std::string& from, const std::string& to) override {
        calls.push_back("rename");
        return failOn == "rename" ? failErrno : DurabilityOps::renameNoReplace(from, to);
    }
};

std::size_t filesIn(const std::string& dir) {
    std::size_t n = 0;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        if (it->is_regular_file()) ++n;
    }
    return n;
}

struct Layout {
    obscura::test::TempDir root;
    std::string tmp = root / "tmp";
    std::string library = root / "library";
    Layout() {
        fs::create_directories(tmp);
        fs::create_directories(library);
    }
};

}  // namespace

TEST_SUITE("images.upload_temp_file") {
    TEST_CASE("a temp file is private, randomly named and created afresh") {
        Layout l;
        auto a = UploadTempFile::create(l.tmp);
        auto b = UploadTempFile::create(l.tmp);
        REQUIRE(a.ok());
        REQUIRE(b.ok());
        CHECK(a->path() != b->path());
        CHECK(fs::path(a->path()).parent_path() == fs::path(l.tmp));
        CHECK(fs::path(a->path()).filename().string().rfind("upload-", 0) == 0);
        CHECK(fs::path(a->path()).filename().string().size() == std::string("upload-.part").size() + 32);
        struct stat st {};
        REQUIRE(::stat(a->path().c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        CHECK(UploadTempFile::create(l.root / "missing").error().code == ErrorCode::Internal);
    }

    TEST_CASE("SHA-1 covers exactly the bytes written, however they were chunked") {
        Layout l;
        auto f = UploadTempFile::create(l.tmp);
        REQUIRE(f.ok());
        REQUIRE(f->write("a").ok());
        REQUIRE(f->write("").ok());
        REQUIRE(f->write("bc").ok());
        CHECK(f->size() == 3);
        CHECK(toHex(f->digest()) == "a9993e364706816aba3e25717850c26c9cd0d89d");  // FIPS 180 "abc"
        CHECK(obscura::test::readFile(f->path()) == "abc");
        CHECK_FALSE(f->write("more").ok());  // the digest ended writing
        auto empty = UploadTempFile::create(l.tmp);
        CHECK(toHex(empty->digest()) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    TEST_CASE("commit syncs the file, creates directories, renames, then syncs each directory, in that order") {
        Layout l;
        RecordingOps ops;
        fs::create_directories(l.library + "/user1");
        auto f = UploadTempFile::create(l.tmp, ops);
        REQUIRE(f.ok());
        REQUIRE(f->write("photo").ok());
        std::string tmpPath = f->path();
        REQUIRE(f->commit(l.library, "user1/2021/07/asset.jpg").ok());
        CHECK(f->committed());
        std::string joined;
        for (const auto& c : ops.calls) joined += c + "; ";
        CAPTURE(joined);
        CHECK(ops.calls == std::vector<std::string>{"fsyncFile", "makeDirectory user1 (exists)", "makeDirectory 2021",
                                                    "makeDirectory 07", "rename", "fsyncDirectory 07",
                                                    "fsyncDirectory 2021", "fsyncDirectory user1"});
        CHECK(obscura::test::readFile(l.library + "/user1/2021/07/asset.jpg") == "photo");
        CHECK(f->path() == l.library + "/user1/2021/07/asset.jpg");
        CHECK_FALSE(fs::exists(tmpPath));
        f->abort();  // after commit, abort keeps the file
        CHECK(fs::exists(l.library + "/user1/2021/07/asset.jpg"));
    }

    TEST_CASE("a failed fsync fails the commit and keeps nothing") {
        for (std::string failing : {"fsyncFile", "fsyncDirectory", "makeDirectory", "rename"}) {
            CAPTURE(failing);
            Layout l;
            RecordingOps ops;
            ops.failOn = failing;
            auto f = UploadTempFile::create(l.tmp, ops);
            REQUIRE(f.ok());
            REQUIRE(f->write("photo").ok());
            auto st = f->commit(l.library, "u/2021/07/a.jpg");
            REQUIRE_FALSE(st.ok());
            CHECK(st.error().code == ErrorCode::Internal);
            CHECK(filesIn(l.tmp) == 0);
            CHECK(filesIn(l.library) == 0);
            if (failing == "fsyncFile") CHECK(ops.calls == std::vector<std::string>{"fsyncFile"});  // nothing moved
        }
    }

    TEST_CASE("a disk found full only at fsync, mkdir or rename is the full-storage error, and keeps nothing") {
        for (std::string failing : {"fsyncFile", "fsyncDirectory", "makeDirectory", "rename"}) {
            for (int err : {ENOSPC, EDQUOT}) {
                CAPTURE(failing);
                CAPTURE(err);
                Layout l;
                RecordingOps ops;
                ops.failOn = failing;
                ops.failErrno = err;
                auto f = UploadTempFile::create(l.tmp, ops);
                REQUIRE(f.ok());
                REQUIRE(f->write("photo").ok());
                auto st = f->commit(l.library, "u/2021/07/a.jpg");
                REQUIRE_FALSE(st.ok());
                CHECK(st.error().code == ErrorCode::Unavailable);
                CHECK(st.error().message.find("storage is full") != std::string::npos);
                CHECK(filesIn(l.tmp) == 0);
                CHECK(filesIn(l.library) == 0);
            }
        }
    }

    TEST_CASE("commit never replaces an existing library file") {
        Layout l;
        fs::create_directories(l.library + "/u");
        obscura::test::writeFile(l.library + "/u/a.jpg", "original");
        auto f = UploadTempFile::create(l.tmp);
        REQUIRE(f->write("intruder").ok());
        auto st = f->commit(l.library, "u/a.jpg");
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().code == ErrorCode::Conflict);
        CHECK(obscura::test::readFile(l.library + "/u/a.jpg") == "original");
        CHECK(filesIn(l.tmp) == 0);
    }

    TEST_CASE("a library path that would leave the library is refused") {
        Layout l;
        for (std::string bad : {"../escape.jpg", "/abs.jpg", "u//a.jpg", "u/./a.jpg", ""}) {
            CAPTURE(bad);
            auto f = UploadTempFile::create(l.tmp);
            REQUIRE(f->write("x").ok());
            CHECK(f->commit(l.library, bad).error().code == ErrorCode::Internal);
            CHECK(filesIn(l.tmp) == 0);
        }
        CHECK_FALSE(fs::exists(l.root / "escape.jpg"));
    }

    TEST_CASE("abort, destruction and a second commit leave nothing behind") {
        Layout l;
        {
            auto f = UploadTempFile::create(l.tmp);
            REQUIRE(f->write("partial").ok());
        }
        CHECK(filesIn(l.tmp) == 0);
        auto g = UploadTempFile::create(l.tmp);
        REQUIRE(g->write("x").ok());
        g->abort();
        g->abort();
        CHECK(filesIn(l.tmp) == 0);
        CHECK_FALSE(g->write("y").ok());
        CHECK_FALSE(g->commit(l.library, "a.jpg").ok());
        auto h = UploadTempFile::create(l.tmp);
        REQUIRE(h->commit(l.library, "h.jpg").ok());
        CHECK_FALSE(h->commit(l.library, "h2.jpg").ok());
    }

    TEST_CASE("a full disk is reported as unavailable storage and the partial file is removed") {
        if (::geteuid() != 0) {
            MESSAGE("skipped: mounting a tmpfs to fill needs root");
            return;
        }
        obscura::test::TempDir dir;
        std::string mnt = dir / "small";
        fs::create_directories(mnt);
        if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=256k") != 0) {
            MESSAGE("skipped: cannot mount a tmpfs here: " << std::strerror(errno));
            return;
        }
        struct Unmount {
            std::string path;
            ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
        } unmount{mnt};
        auto f = UploadTempFile::create(mnt);
        REQUIRE(f.ok());
        std::string chunk(64 * 1024, 'x');
        Status st;
        for (int i = 0; i < 10 && st.ok(); ++i) st = f->write(chunk);
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().code == ErrorCode::Unavailable);
        CHECK(st.error().message.find("storage is full") != std::string::npos);
        CHECK(filesIn(mnt) == 0);
        CHECK_FALSE(f->write("x").ok());
        // The space came back: a small upload fits again.
        auto g = UploadTempFile::create(mnt);
        REQUIRE(g.ok());
        CHECK(g->write(std::string(100 * 1024, 'y')).ok());
    }
}

TEST_SUITE("images.sha1") {
    TEST_CASE("checksums are accepted as 40 hex digits or 28 base64 characters") {
        auto hex = parseSha1Checksum("A9993E364706816ABA3E25717850C26C9CD0D89D");
        REQUIRE(hex.ok());
        CHECK(toHex(*hex) == "a9993e364706816aba3e25717850c26c9cd0d89d");
        auto b64 = parseSha1Checksum("qZk+NkcGgWq6PiVxeFDCbJzQ2J0=");
        REQUIRE_MESSAGE(b64.ok(), b64.error().message);
        CHECK(toHex(*b64) == "a9993e364706816aba3e25717850c26c9cd0d89d");
        for (const char* bad :
             {"", "a9993e36", "g9993e364706816aba3e25717850c26c9cd0d89d",
              "qZk+NkcGgWq6PiVxeFDCbJzQ2J1=", "qZk+NkcGgWq6PiVxeFDCbJzQ2J0A", "qZk+NkcGgWq6PiVxeFDCbJz!2J0="}) {
            CAPTURE(bad);
            auto r = parseSha1Checksum(bad);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().code == ErrorCode::BadRequest);
        }
    }
}
