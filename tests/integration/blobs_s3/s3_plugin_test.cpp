#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "s3_fixture.hpp"

using namespace obscura;
using namespace obscura::s3test;

namespace {

std::string startupError(std::map<std::string, std::string> settings) {
    auto opened = openStore(settings);
    REQUIRE_FALSE(opened.ok());
    return opened.error().message;
}

}  // namespace

TEST_SUITE("blobs.s3.plugin") {
    TEST_CASE("start-up names the setting: wrong access key, wrong secret, missing bucket, unreachable endpoint") {
        const auto good = gatewaySettings();
        auto s = good;
        s["accessKeyId"] = "NOSUCHKEY";
        CHECK(startupError(s).rfind("blobs.s3.accessKeyId:", 0) == 0);
        s = good;
        s["secretAccessKey"] = "wrong-secret-value";
        const std::string secretError = startupError(s);
        CHECK(secretError.rfind("blobs.s3.secretAccessKey:", 0) == 0);
        CHECK(secretError.find("wrong-secret-value") == std::string::npos);
        CHECK(secretError.find(good.at("secretAccessKey")) == std::string::npos);
        s = good;
        s["bucket"] = "no-such-bucket-here";
        CHECK(startupError(s).rfind("blobs.s3.bucket:", 0) == 0);
        s = good;
        s["endpoint"] = "http://127.0.0.1:1";  // nothing listens on port 1
        auto opened = openStore(s);
        REQUIRE_FALSE(opened.ok());
        CHECK(opened.error().code == ErrorCode::Unavailable);
        CHECK(opened.error().message.rfind("blobs.s3.endpoint:", 0) == 0);
    }

    TEST_CASE("a multipart put (above the threshold) reads back whole and by ranges across chunks and parts") {
        S3Fixture f;
        f.settings["multipartThresholdBytes"] = std::to_string(5 << 20);
        f.settings["partSizeBytes"] = std::to_string(5 << 20);
        auto opened = openStore(f.settings);
        REQUIRE(opened.ok());
        auto& store = **opened;
        const std::string bytes = randomBytes((17 << 20) + 123, 7);
        const std::string path = f.file(bytes);
        REQUIRE(store.put("library/u/2024/05/big.mp4", path, {"video/mp4"}).ok());
        CHECK_FALSE(std::filesystem::exists(path));
        auto info = store.stat("library/u/2024/05/big.mp4");
        REQUIRE(info.ok());
        CHECK(info->size == bytes.size());
        CHECK(info->etag.find("-4\"") != std::string::npos);  // a multipart ETag: 4 parts

        auto whole = store.open("library/u/2024/05/big.mp4", {});
        REQUIRE(whole.ok());
        CHECK((*whole)->remaining() == bytes.size());
        CHECK(readAll(**whole) == bytes);

        const std::uint64_t offset = (3 << 20) + 5;
        const std::uint64_t length = (12 << 20) + 77;
        auto part = store.open("library/u/2024/05/big.mp4", {offset, length});
        REQUIRE(part.ok());
        CHECK((*part)->info().size == bytes.size());
        CHECK(readAll(**part) == bytes.substr(offset, length));

        auto tail = store.open("library/u/2024/05/big.mp4", {bytes.size() - 10, 1000});
        REQUIRE(tail.ok());
        CHECK(readAll(**tail) == bytes.substr(bytes.size() - 10));
        CHECK(store.open("library/u/2024/05/big.mp4", {bytes.size() + 1, std::nullopt}).error().code ==
              ErrorCode::Invalid);
    }

    TEST_CASE("a multipart put that fails half-way leaves no object and no pending upload") {
        S3Fixture f;
        f.settings["multipartThresholdBytes"] = std::to_string(5 << 20);
        f.settings["partSizeBytes"] = std::to_string(5 << 20);
        auto opened = openStore(f.settings);
        REQUIRE(opened.ok());
        auto& store = **opened;
        const std::string path = f.file(randomBytes(160 << 20, 3));
        // Cut the file short once the upload has begun: a part then cannot be read to its end.
        std::atomic<bool> done{false};
        std::thread cutter([&] {
            for (int i = 0; i < 2000 && !done; ++i) {
                if (signedGet("?uploads=").find(f.prefix + "half") != std::string::npos) {
                    std::filesystem::resize_file(path, 6 << 20);
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
        });
        const Status put = store.put("half", path, {});
        done = true;
        cutter.join();
        CHECK_FALSE(put.ok());
        CHECK(std::filesystem::exists(path));  // a failed put leaves the caller's file
        CHECK(store.stat("half").error().code == ErrorCode::NotFound);
        CHECK(signedGet("?uploads=").find(f.prefix + "half") == std::string::npos);
    }

    TEST_CASE("list pages in key order with continuation; removePrefix empties a folder") {
        S3Fixture f;
        for (const char* k : {"derived/u/a/thumb.webp", "derived/u/a/preview.webp", "derived/u/b/thumb.webp",
                              "derived/v/c/thumb.webp", "library/u/x.jpg"}) {
            REQUIRE(f.store->put(k, f.file(k), {}).ok());
        }
        std::vector<std::string> keys;
        std::string next;
        int pages = 0;
        do {
            auto page = f.store->list("derived/u/", next, 2);
            REQUIRE(page.ok());
            for (const auto& e : page->entries) keys.push_back(e.key);
            next = page->next;
            ++pages;
        } while (!next.empty() && pages < 10);
        CHECK(keys ==
              std::vector<std::string>{"derived/u/a/preview.webp", "derived/u/a/thumb.webp", "derived/u/b/thumb.webp"});
        CHECK(pages >= 2);
        REQUIRE(f.store->removePrefix("derived/u/").ok());
        CHECK(f.store->list("derived/u/", "", 10)->entries.empty());
        CHECK(f.store->list("", "", 10)->entries.size() == 2);
        CHECK(f.store->remove("derived/u/a/thumb.webp").ok());  // idempotent
    }

    TEST_CASE("operations are reported to the observe hook") {
        auto settings = gatewaySettings();
        settings["prefix"] = "t-observe/";
        std::vector<std::string> ops;
        std::mutex m;
        blobs::BlobStoreOptions options;
        options.settings = settings;
        options.observe = [&](const blobs::BlobOperation& op) {
            std::lock_guard lock(m);
            ops.emplace_back(op.op);
        };
        auto store = factory().open(options);
        REQUIRE(store.ok());
        S3Fixture f;
        REQUIRE((*store)->put("k", f.file("abc"), {}).ok());
        REQUIRE((*store)->stat("k").ok());
        REQUIRE((*store)->remove("k").ok());
        CHECK(ops == std::vector<std::string>{"put", "stat", "remove"});
    }
}
