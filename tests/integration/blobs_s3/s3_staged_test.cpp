// The S3 plugin's staged put (blob_store.hpp, StagedPut) seen from the bucket: parts go up while the file is still
// being written (the point of it), commit leaves exactly one object under the key, and an abort or a failure
// leaves no object, no staged copy and no pending multipart upload — what the BlobStore interface cannot show.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "s3_fixture.hpp"

using namespace obscura;
using namespace obscura::s3test;

namespace {

struct Staged {
    S3Fixture f;
    std::unique_ptr<blobs::BlobStore> store;
    std::string path;
    int fd = -1;
    std::unique_ptr<blobs::StagedPut> put;
    std::uint64_t size = 0;
    std::string bytes;

    explicit Staged(const std::string& likelyKey = "") {
        f.settings["multipartThresholdBytes"] = std::to_string(5 << 20);
        f.settings["partSizeBytes"] = std::to_string(5 << 20);
        auto opened = openStore(f.settings);
        REQUIRE(opened.ok());
        store = std::move(*opened);
        path = f.file("");
        fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        REQUIRE(fd >= 0);
        auto begun = store->beginStagedPut(path, likelyKey, {"video/mp4"});
        REQUIRE(begun.ok());
        REQUIRE(*begun != nullptr);  // s3 stages
        put = std::move(*begun);
    }
    ~Staged() {
        if (fd >= 0) ::close(fd);
    }
    void append(const std::string& more) {
        REQUIRE(::write(fd, more.data(), more.size()) == static_cast<ssize_t>(more.size()));
        bytes += more;
        size += more.size();
        put->grown(size);
    }
};

// Whether a multipart upload is pending under `prefix` (ListMultipartUploads of the whole bucket).
bool pendingUnder(const std::string& prefix) {
    return signedGet("?uploads=").find("<Key>" + prefix) != std::string::npos;
}

// Polls `pred` for up to 10 s: the staged put's sender works in the background.
template <class Pred>
bool eventually(Pred pred) {
    for (int i = 0; i < 200; ++i) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
}

std::size_t partsOf(const std::string& prefix) {
    const std::string uploads = signedGet("?uploads=");
    const std::size_t key = uploads.find("<Key>" + prefix);
    if (key == std::string::npos) return 0;
    const std::size_t keyEnd = uploads.find("</Key>", key);
    const std::size_t id = uploads.find("<UploadId>", key);
    const std::string fullKey = uploads.substr(key + 5, keyEnd - key - 5);
    const std::string uploadId = uploads.substr(id + 10, uploads.find("</UploadId>", id) - id - 10);
    const std::string parts = signedGet("/" + fullKey + "?uploadId=" + uploadId);
    std::size_t count = 0;
    for (std::size_t at = parts.find("<Part>"); at != std::string::npos; at = parts.find("<Part>", at + 1)) ++count;
    return count;
}

}  // namespace

TEST_SUITE("blobs.s3.staged") {
    TEST_CASE("parts go up while the file grows; commit leaves one object under the key and nothing staged") {
        Staged s;
        for (int i = 0; i < 3; ++i) s.append(randomBytes(5 << 20, 10 + i));  // 15 MiB: past the threshold
        // Before the commit, and before the file is complete, the bucket holds parts already.
        CHECK(eventually([&] { return partsOf(s.f.prefix + "tmp/staged/") >= 2; }));
        s.append(randomBytes((2 << 20) + 7, 20));
        const Status committed = s.put->commit("library/u/2024/07/v.mp4", s.size);
        REQUIRE_MESSAGE(committed.ok(), (committed ? "" : committed.error().message));
        auto reader = s.store->open("library/u/2024/07/v.mp4", {});
        REQUIRE(reader.ok());
        CHECK(readAll(**reader) == s.bytes);
        auto listed = s.store->list("", "", 1000);
        REQUIRE(listed.ok());
        REQUIRE(listed->entries.size() == 1);
        CHECK(listed->entries[0].key == "library/u/2024/07/v.mp4");
        CHECK_FALSE(pendingUnder(s.f.prefix));
        CHECK(std::filesystem::exists(s.path));  // the caller's to remove
    }

    TEST_CASE("an abort mid-way leaves no object, no staged copy and no pending upload") {
        Staged s;
        for (int i = 0; i < 3; ++i) s.append(randomBytes(5 << 20, 30 + i));
        REQUIRE(eventually([&] { return pendingUnder(s.f.prefix + "tmp/staged/"); }));
        s.put->abort();
        s.put.reset();
        CHECK(eventually([&] { return !pendingUnder(s.f.prefix); }));
        auto listed = s.store->list("", "", 1000);
        REQUIRE(listed.ok());
        CHECK(listed->entries.empty());
    }

    TEST_CASE("a part that cannot be sent fails the commit and leaves nothing behind") {
        Staged s;
        s.append(randomBytes(12 << 20, 40));
        REQUIRE(eventually([&] { return pendingUnder(s.f.prefix + "tmp/staged/"); }));
        // Announce more bytes than the file will ever hold: the last part cannot be read to its end.
        const Status committed = s.put->commit("library/u/2024/07/short.mp4", s.size + (3 << 20));
        CHECK_FALSE(committed.ok());
        CHECK(s.store->stat("library/u/2024/07/short.mp4").error().code == ErrorCode::NotFound);
        CHECK(eventually([&] { return !pendingUnder(s.f.prefix); }));
        auto listed = s.store->list("", "", 1000);
        REQUIRE(listed.ok());
        CHECK(listed->entries.empty());
    }

    TEST_CASE("parts go straight to the likely key; a commit under another key moves them and leaves none there") {
        for (const bool same : {true, false}) {
            CAPTURE(same);
            Staged s("library/u/2024/08/likely.mp4");
            for (int i = 0; i < 3; ++i) s.append(randomBytes(5 << 20, 60 + i));
            CHECK(eventually([&] { return pendingUnder(s.f.prefix + "library/u/2024/08/likely.mp4"); }));
            CHECK(s.store->stat("library/u/2024/08/likely.mp4").error().code == ErrorCode::NotFound);  // not yet
            const std::string key = same ? "library/u/2024/08/likely.mp4" : "library/u/2019/03/likely.mp4";
            REQUIRE(s.put->commit(key, s.size).ok());
            auto reader = s.store->open(key, {});
            REQUIRE(reader.ok());
            CHECK(readAll(**reader) == s.bytes);
            auto listed = s.store->list("", "", 1000);
            REQUIRE(listed.ok());
            REQUIRE(listed->entries.size() == 1);
            CHECK(listed->entries[0].key == key);
            CHECK_FALSE(pendingUnder(s.f.prefix));
        }
    }

    TEST_CASE("a file under the threshold is never staged: one plain put at commit") {
        Staged s;
        s.append(randomBytes(1 << 20, 50));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        CHECK_FALSE(pendingUnder(s.f.prefix));
        REQUIRE(s.put->commit("library/u/2024/07/small.jpg", s.size).ok());
        auto info = s.store->stat("library/u/2024/07/small.jpg");
        REQUIRE(info.ok());
        CHECK(info->etag.find('-') == std::string::npos);  // not a multipart ETag
        auto reader = s.store->open("library/u/2024/07/small.jpg", {});
        REQUIRE(reader.ok());
        CHECK(readAll(**reader) == s.bytes);
    }
}
