// The direct uploads repository's contract: a row per upload found by id, a duplicate id refused, the received
// mark set once (two racing PUTs: one wins), deletion, and the expiry sweep's listing in expiry order, bounded.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::DirectUploadsRepository;

namespace {

template <typename Fn>
auto withUploads(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<DirectUploadsRepository&>())) {
    using Result = decltype(fn(std::declval<DirectUploadsRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.directUploads()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

storage::DirectUploadRecord pending(const std::string& owner, std::int64_t expiresAtUs) {
    storage::DirectUploadRecord u;
    u.id = newUuid();
    u.ownerId = owner;
    u.objectKey = "direct-uploads/" + owner + "/" + u.id;
    u.fileName = "Zoë's café.jpg";
    u.sizeBytes = 5'000'000'000LL;  // past 32 bits
    u.checksum = "0123456789abcdef0123456789abcdef01234567";
    u.albumId = newUuid();
    u.title = "Grandma 🌻";
    u.description = "line one\nline two";
    u.createdAtUs = expiresAtUs - 3600LL * 1000000;
    u.expiresAtUs = expiresAtUs;
    return u;
}

}  // namespace

TEST_SUITE("conformance.direct_uploads") {
    TEST_CASE("a direct upload is stored and found by id with every field; a taken id is Conflict") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto upload = pending(newUuid(), 1'800'000'000LL * 1000000);
            auto created = withUploads(*s, [&](DirectUploadsRepository& r) { return r.createDirectUpload(upload); });
            REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
            auto again = withUploads(*s, [&](DirectUploadsRepository& r) { return r.createDirectUpload(upload); });
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().code == ErrorCode::Conflict);

            auto found = withUploads(*s, [&](DirectUploadsRepository& r) { return r.findDirectUpload(upload.id); });
            REQUIRE(found.ok());
            REQUIRE(found->has_value());
            const auto& f = **found;
            CHECK(f.ownerId == upload.ownerId);
            CHECK(f.objectKey == upload.objectKey);
            CHECK(f.fileName == upload.fileName);
            CHECK(f.sizeBytes == upload.sizeBytes);
            CHECK(f.checksum == upload.checksum);
            CHECK(f.albumId == upload.albumId);
            CHECK(f.title == upload.title);
            CHECK(f.description == upload.description);
            CHECK(f.createdAtUs == upload.createdAtUs);
            CHECK(f.expiresAtUs == upload.expiresAtUs);
            CHECK_FALSE(f.received);
            auto none = withUploads(*s, [&](DirectUploadsRepository& r) { return r.findDirectUpload(newUuid()); });
            REQUIRE(none.ok());
            CHECK_FALSE(none->has_value());
        });
    }

    TEST_CASE("the received mark is set once; deleting answers whether a row went") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const auto upload = pending(newUuid(), 1'800'000'000LL * 1000000);
            REQUIRE(withUploads(*s, [&](DirectUploadsRepository& r) { return r.createDirectUpload(upload); }).ok());
            auto first =
                withUploads(*s, [&](DirectUploadsRepository& r) { return r.markDirectUploadReceived(upload.id); });
            REQUIRE(first.ok());
            CHECK(*first);
            auto second =
                withUploads(*s, [&](DirectUploadsRepository& r) { return r.markDirectUploadReceived(upload.id); });
            REQUIRE(second.ok());
            CHECK_FALSE(*second);
            auto missing =
                withUploads(*s, [&](DirectUploadsRepository& r) { return r.markDirectUploadReceived(newUuid()); });
            REQUIRE(missing.ok());
            CHECK_FALSE(*missing);
            auto found = withUploads(*s, [&](DirectUploadsRepository& r) { return r.findDirectUpload(upload.id); });
            REQUIRE(found.ok());
            CHECK((*found)->received);

            auto removed = withUploads(*s, [&](DirectUploadsRepository& r) { return r.deleteDirectUpload(upload.id); });
            REQUIRE(removed.ok());
            CHECK(*removed);
            auto twice = withUploads(*s, [&](DirectUploadsRepository& r) { return r.deleteDirectUpload(upload.id); });
            REQUIRE(twice.ok());
            CHECK_FALSE(*twice);
        });
    }

    TEST_CASE("expired uploads are listed soonest expired first, up to the limit; live ones never") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto s = openMigrated(*database);
            const std::int64_t now = 1'800'000'000LL * 1000000;
            const std::string owner = newUuid();
            const auto late = pending(owner, now - 10);
            const auto early = pending(owner, now - 1000);
            const auto exact = pending(owner, now);
            const auto live = pending(owner, now + 1);
            for (const auto* u : {&late, &early, &exact, &live}) {
                REQUIRE(withUploads(*s, [&](DirectUploadsRepository& r) { return r.createDirectUpload(*u); }).ok());
            }
            auto expired =
                withUploads(*s, [&](DirectUploadsRepository& r) { return r.listExpiredDirectUploads(now, 10); });
            REQUIRE(expired.ok());
            std::vector<std::string> ids;
            for (const auto& u : *expired) ids.push_back(u.id);
            CHECK(ids == std::vector<std::string>{early.id, late.id, exact.id});
            auto bounded =
                withUploads(*s, [&](DirectUploadsRepository& r) { return r.listExpiredDirectUploads(now, 2); });
            REQUIRE(bounded.ok());
            CHECK(bounded->size() == 2);
        });
    }
}
