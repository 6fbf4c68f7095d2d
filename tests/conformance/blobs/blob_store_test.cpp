// What every blob store must do (obscura/blobs/blob_store.hpp), run against each blob plugin.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "blob_backend.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

std::unique_ptr<BlobFixture> freshStore(BlobBackend& backend) {
    auto fixture = backend.fresh();
    REQUIRE_MESSAGE(fixture.ok(), (fixture ? "" : fixture.error().message));
    return std::move(*fixture);
}

void put(BlobFixture& f, const std::string& key, const std::string& bytes) {
    const auto status = f.store().put(key, writeTemp(f, bytes), {});
    REQUIRE_MESSAGE(status.ok(), (status ? "" : status.error().message));
}

std::string get(BlobFixture& f, const std::string& key, blobs::BlobRange range = {}) {
    auto reader = f.store().open(key, range);
    REQUIRE_MESSAGE(reader.ok(), (reader ? "" : reader.error().message));
    auto bytes = readAll(**reader);
    REQUIRE(bytes.ok());
    return *bytes;
}

std::vector<std::string> listAll(BlobFixture& f, const std::string& prefix, std::size_t pageSize) {
    std::vector<std::string> keys;
    std::string next;
    for (int pages = 0; pages < 1000; ++pages) {
        auto page = f.store().list(prefix, next, pageSize);
        REQUIRE_MESSAGE(page.ok(), (page ? "" : page.error().message));
        CHECK(page->entries.size() <= pageSize);
        for (const auto& e : page->entries) keys.push_back(e.key);
        if (page->next.empty()) return keys;
        next = page->next;
    }
    FAIL("listing never ended");
    return keys;
}

}  // namespace

TEST_SUITE("blobs.conformance") {
    TEST_CASE("a put object reads back whole, and its temp file is gone") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            const std::string temp = writeTemp(*f, "hello, blob");
            REQUIRE(f->store().put("library/u1/2024/05/a.jpg", temp, {}).ok());
            CHECK_FALSE(std::filesystem::exists(temp));
            CHECK(get(*f, "library/u1/2024/05/a.jpg") == "hello, blob");
        });
    }

    TEST_CASE("stat tells the size and a quoted entity tag that changes when the bytes do") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(*&backend);
            put(*f, "derived/u1/a1/thumbnail.webp", "12345");
            auto first = f->store().stat("derived/u1/a1/thumbnail.webp");
            REQUIRE(first.ok());
            CHECK(first->size == 5);
            CHECK(first->etag.size() > 2);
            CHECK(first->etag.front() == '"');
            CHECK(first->etag.back() == '"');
            CHECK(first->modifiedAt > 1600000000);
            put(*f, "derived/u1/a1/thumbnail.webp", "something longer");
            auto second = f->store().stat("derived/u1/a1/thumbnail.webp");
            REQUIRE(second.ok());
            CHECK(second->size == 16);
            CHECK(second->etag != first->etag);
        });
    }

    TEST_CASE("a range reads exactly its bytes; a length past the end stops at the end") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            put(*f, "k/range.bin", "0123456789");
            CHECK(get(*f, "k/range.bin", {3, 4}) == "3456");
            CHECK(get(*f, "k/range.bin", {7, 100}) == "789");
            CHECK(get(*f, "k/range.bin", {4, std::nullopt}) == "456789");
            CHECK(get(*f, "k/range.bin", {10, std::nullopt}).empty());
            auto reader = f->store().open("k/range.bin", {2, 5});
            REQUIRE(reader.ok());
            CHECK((*reader)->remaining() == 5);
            CHECK((*reader)->info().size == 10);
            auto past = f->store().open("k/range.bin", {11, std::nullopt});
            REQUIRE_FALSE(past.ok());
            CHECK(past.error().code == ErrorCode::Invalid);
        });
    }

    TEST_CASE("a missing key is not found for open and stat, and removing it succeeds") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            auto opened = f->store().open("library/nobody/x.jpg", {});
            REQUIRE_FALSE(opened.ok());
            CHECK(opened.error().code == ErrorCode::NotFound);
            auto stat = f->store().stat("library/nobody/x.jpg");
            REQUIRE_FALSE(stat.ok());
            CHECK(stat.error().code == ErrorCode::NotFound);
            CHECK(f->store().remove("library/nobody/x.jpg").ok());
        });
    }

    TEST_CASE("remove deletes one object; removePrefix a whole folder and nothing beside it") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            put(*f, "library/u1/2024/01/a.jpg", "a");
            put(*f, "library/u1/2024/02/b.jpg", "b");
            put(*f, "library/u10/2024/01/c.jpg", "c");
            put(*f, "derived/u1/a/thumbnail.webp", "t");
            REQUIRE(f->store().remove("library/u1/2024/01/a.jpg").ok());
            CHECK(f->store().stat("library/u1/2024/01/a.jpg").error().code == ErrorCode::NotFound);
            REQUIRE(f->store().removePrefix("library/u1/").ok());
            CHECK_FALSE(f->store().stat("library/u1/2024/02/b.jpg").ok());
            CHECK(f->store().stat("library/u10/2024/01/c.jpg").ok());
            CHECK(f->store().stat("derived/u1/a/thumbnail.webp").ok());
            CHECK(f->store().removePrefix("library/u1/").ok());  // again: nothing there, still fine
            CHECK_FALSE(f->store().removePrefix("").ok());       // never everything at once
        });
    }

    TEST_CASE("list answers keys in byte order, page by page, with a continuation that resumes exactly") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            const std::vector<std::string> keys = {"derived/u1/a/preview.jpg", "derived/u1/a/thumbnail.webp",
                                                   "derived/u1/a.b/x.webp",    "derived/u2/c/thumbnail.webp",
                                                   "library/u1/2023/12/z.jpg", "library/u1/2024/01/a.jpg",
                                                   "library/u1/2024/01/b.jpg"};
            for (const auto& k : keys) put(*f, k, k);
            std::set<std::string> sorted(keys.begin(), keys.end());
            const std::vector<std::string> expected(sorted.begin(), sorted.end());
            for (std::size_t pageSize : {1u, 2u, 3u, 1000u}) {
                CAPTURE(pageSize);
                CHECK(listAll(*f, "", pageSize) == expected);
            }
            CHECK(listAll(*f, "library/u1/2024/", 1) ==
                  std::vector<std::string>{"library/u1/2024/01/a.jpg", "library/u1/2024/01/b.jpg"});
            CHECK(listAll(*f, "derived/u1/a", 2).size() == 3);  // bytes, not folders: "a.b/" matches too
            CHECK(listAll(*f, "derived/u1/a/", 2).size() == 2);
            CHECK(listAll(*f, "nothing/", 10).empty());
            auto page = f->store().list("library/", {}, 10);
            REQUIRE(page.ok());
            REQUIRE(page->entries.size() == 3);
            CHECK(page->entries[0].size == std::string("library/u1/2023/12/z.jpg").size());
            CHECK_FALSE(f->store().list("", {}, 0).ok());
        });
    }

    TEST_CASE("an overwrite is atomic: a reader opened before it reads the old bytes whole") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            const std::string oldBytes(256 * 1024, 'o');
            const std::string newBytes(100 * 1024, 'n');
            put(*f, "derived/u/a/preview.jpg", oldBytes);
            auto reader = f->store().open("derived/u/a/preview.jpg", {});
            REQUIRE(reader.ok());
            put(*f, "derived/u/a/preview.jpg", newBytes);
            auto before = readAll(**reader);
            REQUIRE(before.ok());
            CHECK(*before == oldBytes);
            CHECK(get(*f, "derived/u/a/preview.jpg") == newBytes);
        });
    }

    TEST_CASE("keys that could leave the store are refused before anything is touched") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            const std::vector<std::string> bad = {
                "",     "/etc/passwd",          "../x", "library/../../x",     "a//b", "a/./b", "a/",
                "a\\b", std::string("a\0b", 3), "a\nb", std::string(1025, 'k')};
            for (const auto& key : bad) {
                CAPTURE(key);
                const std::string temp = writeTemp(*f, "x");
                auto put = f->store().put(key, temp, {});
                REQUIRE_FALSE(put.ok());
                CHECK(put.error().code == ErrorCode::Invalid);
                CHECK(std::filesystem::exists(temp));  // a failed put leaves the file to its caller
                std::filesystem::remove(temp);
                CHECK(f->store().open(key, {}).error().code == ErrorCode::Invalid);
                CHECK(f->store().stat(key).error().code == ErrorCode::Invalid);
                CHECK(f->store().remove(key).error().code == ErrorCode::Invalid);
                CHECK_FALSE(f->store().localPath(key).has_value());
            }
            CHECK_FALSE(f->store().list("../", {}, 10).ok());
        });
    }

    TEST_CASE("a put of a file that is not there fails and stores nothing") {
        forEachBlobBackend([](BlobBackend& backend) {
            auto f = freshStore(backend);
            CHECK_FALSE(f->store().put("library/u/x.jpg", f->tempDir() + "/never-written", {}).ok());
            CHECK(f->store().stat("library/u/x.jpg").error().code == ErrorCode::NotFound);
        });
    }
}
