// FileResponse over a blob store: the local store's file is sent as a file (as before blob stores), any other
// store's bytes stream from a reader opened for exactly the range answered; validators come from the store.
#include <doctest/doctest.h>

#include <map>
#include <optional>

#include "memory_blob_reader.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/file_response.hpp"

using namespace obscura;

namespace {

// Objects in memory; `local` makes it claim files under /data like the local store.
class MemoryStore final : public blobs::BlobStore {
public:
    explicit MemoryStore(bool local) : local_(local) {}
    std::map<std::string, std::string> objects;
    int opened = 0;

    std::string_view name() const override { return "memory"; }
    Status ping() override { return {}; }
    Status put(std::string_view, const std::string&, const blobs::PutOptions&) override { return {}; }
    Expected<std::unique_ptr<blobs::BlobReader>> open(std::string_view key, const blobs::BlobRange& range) override {
        ++opened;
        auto it = objects.find(std::string(key));
        if (it == objects.end()) return notFound("no " + std::string(key));
        const std::string& bytes = it->second;
        const auto length = range.length.value_or(bytes.size() - range.offset);
        return std::unique_ptr<blobs::BlobReader>(
            std::make_unique<test::MemoryBlobReader>(bytes.substr(range.offset, length), infoOf(bytes)));
    }
    Expected<blobs::BlobInfo> stat(std::string_view key) override {
        auto it = objects.find(std::string(key));
        if (it == objects.end()) return notFound("no " + std::string(key));
        return infoOf(it->second);
    }
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
    std::optional<std::string> localPath(std::string_view key) const override {
        if (!local_) return std::nullopt;
        return "/data/" + std::string(key);
    }

private:
    static blobs::BlobInfo infoOf(const std::string& bytes) { return {bytes.size(), "\"s3-etag\"", 1700000000}; }
    bool local_;
};

Request get(std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request;
    request.method = Method::Get;
    for (auto& [name, value] : headers) request.headers.add(name, value);
    return request;
}

std::string drain(blobs::BlobReader& reader) {
    std::string out;
    char buffer[7];
    for (;;) {
        auto n = reader.read(buffer, sizeof buffer);
        REQUIRE(n.ok());
        if (*n == 0) return out;
        out.append(buffer, *n);
    }
}

}  // namespace

TEST_SUITE("kernel.file_response") {
    TEST_CASE("a blob of a remote store streams from a reader, with the store's tag and time") {
        MemoryStore store(false);
        store.objects["derived/u/a/preview.jpg"] = "0123456789";
        FileResponse file{.store = &store, .key = "derived/u/a/preview.jpg", .contentType = "image/jpeg"};
        auto r = file.answer(get(), notFound("gone"));
        REQUIRE(r.ok());
        CHECK(r->status == 200);
        CHECK_FALSE(r->file.has_value());
        REQUIRE(r->blob);
        CHECK(r->blob->remaining() == 10);
        CHECK(drain(*r->blob) == "0123456789");
        CHECK(r->headers.get("ETag") == std::optional<std::string_view>("\"s3-etag\""));
        CHECK(r->headers.get("Accept-Ranges") == std::optional<std::string_view>("bytes"));
    }

    TEST_CASE("a range of a remote blob opens the store for that range only") {
        MemoryStore store(false);
        store.objects["library/u/2024/01/a.mp4"] = "0123456789";
        FileResponse file{.store = &store, .key = "library/u/2024/01/a.mp4", .contentType = "video/mp4"};
        auto r = file.answer(get({{"Range", "bytes=2-5"}}), notFound("gone"));
        REQUIRE(r.ok());
        CHECK(r->status == 206);
        CHECK(r->headers.get("Content-Range") == std::optional<std::string_view>("bytes 2-5/10"));
        REQUIRE(r->blob);
        CHECK(drain(*r->blob) == "2345");
        auto past = file.answer(get({{"Range", "bytes=20-"}}), notFound("gone"));
        REQUIRE(past.ok());
        CHECK(past->status == 416);
    }

    TEST_CASE("a remote blob that is current answers 304 without opening it; a missing one is the caller's error") {
        MemoryStore store(false);
        store.objects["k/x"] = "abc";
        FileResponse file{.store = &store, .key = "k/x", .contentType = "text/plain"};
        auto r = file.answer(get({{"If-None-Match", "\"s3-etag\""}}), notFound("gone"));
        REQUIRE(r.ok());
        CHECK(r->status == 304);
        CHECK(store.opened == 0);
        FileResponse missing{.store = &store, .key = "k/none", .contentType = "text/plain"};
        auto gone = missing.answer(get(), Error(ErrorCode::NotFound, "no such thing", "not_ready"));
        REQUIRE_FALSE(gone.ok());
        CHECK(gone.error().reason == "not_ready");
    }

    TEST_CASE("a blob of a store with local files is sent as that file, never read through a reader") {
        MemoryStore store(true);
        store.objects["derived/u/a/thumbnail.webp"] = "0123456789";
        FileResponse file{.store = &store, .key = "derived/u/a/thumbnail.webp", .contentType = "image/webp"};
        auto r = file.answer(get({{"Range", "bytes=4-"}}), notFound("gone"));
        REQUIRE(r.ok());
        CHECK(r->status == 206);
        REQUIRE(r->file);
        CHECK(r->file->path == "/data/derived/u/a/thumbnail.webp");
        CHECK(r->file->offset == 4);
        CHECK(r->file->length == std::optional<std::uint64_t>(6));
        CHECK_FALSE(r->blob);
        CHECK(store.opened == 0);
    }
}
