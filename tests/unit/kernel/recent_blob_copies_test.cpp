// RecentBlobCopies: an original put into a remote store is handed to the next BlobFile::open from the local disk
// (a hard link of the upload's temp file), within a byte budget and an age, and the store is read otherwise.
#include "obscura/kernel/recent_blob_copies.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <utime.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "memory_blob_reader.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/blob_files.hpp"

using namespace obscura;
namespace fs = std::filesystem;

namespace {

// Like s3: put() reads the file and removes it; no local paths; counts the objects opened for reading.
class RemoteStore final : public blobs::BlobStore {
public:
    std::map<std::string, std::string> objects;
    int opened = 0;

    std::string_view name() const override { return "remote"; }
    Status ping() override { return {}; }
    Status put(std::string_view key, const std::string& tempPath, const blobs::PutOptions&) override {
        std::ifstream in(tempPath, std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        objects[std::string(key)] = bytes.str();
        fs::remove(tempPath);
        return {};
    }
    Expected<std::unique_ptr<blobs::BlobReader>> open(std::string_view key, const blobs::BlobRange&) override {
        ++opened;
        auto it = objects.find(std::string(key));
        if (it == objects.end()) return notFound("no " + std::string(key));
        return std::unique_ptr<blobs::BlobReader>(
            std::make_unique<test::MemoryBlobReader>(it->second, blobs::BlobInfo{it->second.size(), "\"e\"", 1}));
    }
    Expected<blobs::BlobInfo> stat(std::string_view) override { return notFound("unused"); }
    Status remove(std::string_view) override { return {}; }
    Status removePrefix(std::string_view) override { return {}; }
    Expected<blobs::BlobPage> list(std::string_view, const std::string&, std::size_t) override {
        return blobs::BlobPage{};
    }
    std::optional<blobs::PresignedRequest> presignGet(std::string_view, std::int64_t,
                                                      const blobs::PresignGetOptions&) override {
        return std::nullopt;
    }
    std::optional<blobs::PresignedRequest> presignPut(std::string_view, std::int64_t,
                                                      const blobs::PutOptions&) override {
        return std::nullopt;
    }
    std::optional<std::string> localPath(std::string_view) const override { return std::nullopt; }
};

struct TmpDir {
    TmpDir() {
        char pattern[] = "/tmp/obscura-recent-XXXXXX";
        path = ::mkdtemp(pattern);
    }
    ~TmpDir() { fs::remove_all(path); }
    std::string path;
};

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

// What the upload path does: write the temp file, link it, put it (the store consumes it), keep the link.
void upload(RemoteStore& store, const std::string& tmp, const std::string& key, const std::string& bytes) {
    const std::string temp = tmp + "/upload-" + std::to_string(std::hash<std::string>{}(key)) + ".part";
    std::ofstream(temp, std::ios::binary) << bytes;
    auto& recent = RecentBlobCopies::instance();
    auto linked = recent.link(temp, bytes.size());
    REQUIRE(store.put(key, temp, {}));
    if (linked) recent.keep(store, key, *linked, bytes.size());
}

std::size_t filesIn(const std::string& dir) {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

}  // namespace

TEST_CASE("an original just put into a remote store is opened from its local copy, not fetched back") {
    TmpDir tmp;
    RemoteStore store;
    RecentBlobCopies::instance().configure(1 << 20, std::chrono::seconds(600), tmp.path);
    upload(store, tmp.path, "originals/a.jpg", std::string(5000, 'a'));
    {
        auto file = BlobFile::open(store, "originals/a.jpg", tmp.path);
        REQUIRE(file);
        CHECK(file->isCopy());
        CHECK(slurp(file->path()) == std::string(5000, 'a'));
        CHECK(store.opened == 0);
    }
    // The reader's own link went with it; the kept copy serves the next job too.
    CHECK(filesIn(tmp.path) == 1);
    CHECK(BlobFile::open(store, "originals/a.jpg", tmp.path));
    CHECK(store.opened == 0);
    // An object this process did not put is read from the store.
    store.objects["originals/b.jpg"] = "bbb";
    auto other = BlobFile::open(store, "originals/b.jpg", tmp.path);
    REQUIRE(other);
    CHECK(slurp(other->path()) == "bbb");
    CHECK(store.opened == 1);
    RecentBlobCopies::instance().forget(store, "originals/a.jpg");
    CHECK(RecentBlobCopies::instance().bytesKept() == 0);
    RecentBlobCopies::instance().configure(0, std::chrono::seconds(600), tmp.path);
}

TEST_CASE("kept copies stay within their byte budget, oldest evicted first, and the store answers for those") {
    TmpDir tmp;
    RemoteStore store;
    RecentBlobCopies::instance().configure(100, std::chrono::seconds(600), tmp.path);
    upload(store, tmp.path, "k1", std::string(40, '1'));
    upload(store, tmp.path, "k2", std::string(40, '2'));
    upload(store, tmp.path, "k3", std::string(40, '3'));
    CHECK(RecentBlobCopies::instance().bytesKept() == 80);
    CHECK(filesIn(tmp.path) == 2);  // k1's link is gone from tmp/
    {
        auto first = BlobFile::open(store, "k1", tmp.path);
        REQUIRE(first);
        CHECK(slurp(first->path()) == std::string(40, '1'));
        CHECK(store.opened == 1);
    }
    CHECK(BlobFile::open(store, "k3", tmp.path));
    CHECK(store.opened == 1);

    SUBCASE("a file above half the budget is not kept") {
        upload(store, tmp.path, "big", std::string(51, 'b'));
        CHECK(RecentBlobCopies::instance().bytesKept() == 80);
    }
    SUBCASE("a budget of 0 keeps nothing and drops what was kept") {
        RecentBlobCopies::instance().configure(0, std::chrono::seconds(600), tmp.path);
        CHECK(RecentBlobCopies::instance().bytesKept() == 0);
        upload(store, tmp.path, "k4", "4444");
        CHECK(RecentBlobCopies::instance().bytesKept() == 0);
        CHECK(filesIn(tmp.path) == 0);
    }
    RecentBlobCopies::instance().configure(0, std::chrono::seconds(600), tmp.path);
}

TEST_CASE("copies an earlier process left in tmp are removed once older than the age limit") {
    TmpDir tmp;
    std::ofstream(tmp.path + "/recent-upload-old.part") << "old";
    std::ofstream(tmp.path + "/recent-upload-new.part") << "new";
    std::ofstream(tmp.path + "/upload-unrelated.part") << "other";
    struct utimbuf old {};
    old.actime = old.modtime = ::time(nullptr) - 3600;
    REQUIRE(::utime((tmp.path + "/recent-upload-old.part").c_str(), &old) == 0);
    REQUIRE(::utime((tmp.path + "/upload-unrelated.part").c_str(), &old) == 0);
    RecentBlobCopies::instance().configure(1 << 20, std::chrono::seconds(600), tmp.path);
    CHECK_FALSE(fs::exists(tmp.path + "/recent-upload-old.part"));
    CHECK(fs::exists(tmp.path + "/recent-upload-new.part"));
    CHECK(fs::exists(tmp.path + "/upload-unrelated.part"));  // not ours to judge
    RecentBlobCopies::instance().configure(0, std::chrono::seconds(600), tmp.path);
}
