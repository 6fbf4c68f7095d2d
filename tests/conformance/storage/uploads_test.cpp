// The uploads repository's contract (resumable uploads, DESIGN.md section 10): an upload is its owner's alone, the
// writer lease is one at a time and taken only at the right offset, the offset moves only with the lease held and
// from where the writer started, finishing records the asset, the sweeper sees what expired, and an owner's
// deletion takes their uploads with them.
#include <doctest/doctest.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"
#include "images_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::UploadsRepository;

namespace {

template <typename Fn>
auto withUploads(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<UploadsRepository&>())) {
    using Result = decltype(fn(std::declval<UploadsRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.uploads()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

storage::UploadRecord upload(const std::string& id, const std::string& owner, std::int64_t expiresAtUs) {
    storage::UploadRecord u;
    u.id = id;
    u.ownerId = owner;
    u.length = 1000;
    u.metadataJson = R"({"filename":"clip.mp4"})";
    u.createdAtUs = kJuly2021Us;
    u.createdAt = utcText(kJuly2021Us);
    u.expiresAtUs = expiresAtUs;
    return u;
}

storage::UploadRecord found(storage::Storage& s, const std::string& owner, const std::string& id) {
    auto row = withUploads(s, [&](UploadsRepository& r) { return r.findUpload(owner, id); });
    REQUIRE_MESSAGE(row.ok(), (row.ok() ? "" : row.error().message));
    REQUIRE(row->has_value());
    return **row;
}

bool claim(storage::Storage& s, const std::string& id, const std::string& writer, std::int64_t offset,
           std::int64_t nowUs) {
    auto claimed =
        withUploads(s, [&](UploadsRepository& r) { return r.claimWriter(id, writer, offset, nowUs, nowUs + 1000); });
    REQUIRE_MESSAGE(claimed.ok(), (claimed.ok() ? "" : claimed.error().message));
    return *claimed;
}

bool advance(storage::Storage& s, const std::string& id, const std::string& writer, std::int64_t from, std::int64_t to,
             bool release) {
    auto moved = withUploads(s, [&](UploadsRepository& r) {
        return r.advanceOffset(id, writer, from, to, std::nullopt, "open", kJuly2021Us + 99, release);
    });
    REQUIRE_MESSAGE(moved.ok(), (moved.ok() ? "" : moved.error().message));
    return *moved;
}

struct Two {
    std::unique_ptr<BackendDatabase> database;
    std::unique_ptr<storage::Storage> storage;
    std::string alice, bob;
};

Two twoUsers(Backend& backend) {
    Two t;
    t.database = backend.newDatabase();
    t.storage = openMigrated(*t.database);
    t.alice = createOwner(*t.storage, "alice");
    t.bob = createOwner(*t.storage, "bob");
    return t;
}

}  // namespace

TEST_SUITE("conformance.uploads") {
    TEST_CASE(
        "an upload is found by its owner only, with every field as written; a second create of the id is Conflict") {
        forEachBackend([](Backend& backend) {
            auto t = twoUsers(backend);
            auto u = upload("u1", t.alice, kJuly2021Us + 5);
            u.length = std::nullopt;  // the IETF draft may not know it yet
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) { return r.createUpload(u); }).ok());
            const auto row = found(*t.storage, t.alice, "u1");
            CHECK(row.ownerId == t.alice);
            CHECK_FALSE(row.length.has_value());
            CHECK(row.offset == 0);
            CHECK(row.metadataJson == u.metadataJson);
            CHECK(row.state == "open");
            CHECK_FALSE(row.assetId.has_value());
            CHECK(row.writer.empty());
            CHECK(row.createdAt == u.createdAt);
            CHECK(row.createdAtUs == kJuly2021Us);
            CHECK(row.expiresAtUs == kJuly2021Us + 5);
            auto other = withUploads(*t.storage, [&](UploadsRepository& r) { return r.findUpload(t.bob, "u1"); });
            REQUIRE(other.ok());
            CHECK_FALSE(other->has_value());
            auto again = withUploads(*t.storage, [&](UploadsRepository& r) { return r.createUpload(u); });
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().code == ErrorCode::Conflict);
        });
    }

    TEST_CASE("one writer at a time, only at the current offset; a lease past its end can be taken over") {
        forEachBackend([](Backend& backend) {
            auto t = twoUsers(backend);
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) {
                        return r.createUpload(upload("u1", t.alice, kJuly2021Us + 10'000'000));
                    }).ok());
            const std::int64_t now = kJuly2021Us;
            CHECK_FALSE(claim(*t.storage, "u1", "w1", 10, now));  // wrong offset
            CHECK(claim(*t.storage, "u1", "w1", 0, now));
            CHECK_FALSE(claim(*t.storage, "u1", "w2", 0, now + 10));  // busy
            CHECK(found(*t.storage, t.alice, "u1").writer == "w1");
            // The lease ran out (until = now + 1000): another writer takes it, and the first one lost it.
            CHECK(claim(*t.storage, "u1", "w2", 0, now + 2000));
            auto renewed =
                withUploads(*t.storage, [&](UploadsRepository& r) { return r.renewWriter("u1", "w1", now + 5000); });
            REQUIRE(renewed.ok());
            CHECK_FALSE(*renewed);
            renewed =
                withUploads(*t.storage, [&](UploadsRepository& r) { return r.renewWriter("u1", "w2", now + 5000); });
            REQUIRE(renewed.ok());
            CHECK(*renewed);
            CHECK(found(*t.storage, t.alice, "u1").writerUntilUs == now + 5000);
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) { return r.releaseWriter("u1", "w2"); }).ok());
            CHECK(found(*t.storage, t.alice, "u1").writer.empty());
            CHECK(claim(*t.storage, "u1", "w3", 0, now + 10));
        });
    }

    TEST_CASE("the offset moves only for the lease holder and from the offset it started at") {
        forEachBackend([](Backend& backend) {
            auto t = twoUsers(backend);
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) {
                        return r.createUpload(upload("u1", t.alice, kJuly2021Us));
                    }).ok());
            REQUIRE(claim(*t.storage, "u1", "w1", 0, kJuly2021Us));
            CHECK_FALSE(advance(*t.storage, "u1", "w2", 0, 100, true));   // not the holder
            CHECK_FALSE(advance(*t.storage, "u1", "w1", 50, 100, true));  // not where it started
            CHECK(found(*t.storage, t.alice, "u1").offset == 0);
            CHECK(advance(*t.storage, "u1", "w1", 0, 100, false));  // kept: the lease stays
            auto row = found(*t.storage, t.alice, "u1");
            CHECK(row.offset == 100);
            CHECK(row.writer == "w1");
            CHECK(row.expiresAtUs == kJuly2021Us + 99);
            CHECK(advance(*t.storage, "u1", "w1", 100, 400, true));
            row = found(*t.storage, t.alice, "u1");
            CHECK(row.offset == 400);
            CHECK(row.writer.empty());
            CHECK(row.length == 1000);  // nullopt leaves the length as it was
            // Setting the length (IETF: Upload-Complete) and the state together with the offset.
            REQUIRE(claim(*t.storage, "u1", "w2", 400, kJuly2021Us));
            auto moved = withUploads(*t.storage, [&](UploadsRepository& r) {
                return r.advanceOffset("u1", "w2", 400, 600, std::int64_t{600}, "importing", kJuly2021Us + 7, false);
            });
            REQUIRE(moved.ok());
            CHECK(*moved);
            row = found(*t.storage, t.alice, "u1");
            CHECK(row.length == 600);
            CHECK(row.state == "importing");
            // Not open any more: nobody may claim it to append.
            CHECK_FALSE(claim(*t.storage, "u1", "w3", 600, kJuly2021Us + 10'000));
        });
    }

    TEST_CASE("finishing records the asset and releases the lease; terminating is the owner's only") {
        forEachBackend([](Backend& backend) {
            auto t = twoUsers(backend);
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) {
                        return r.createUpload(upload("u1", t.alice, kJuly2021Us));
                    }).ok());
            REQUIRE(claim(*t.storage, "u1", "w1", 0, kJuly2021Us));
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) {
                        return r.finishUpload("u1", "done", std::string("asset-1"), "", kJuly2021Us + 42);
                    }).ok());
            auto row = found(*t.storage, t.alice, "u1");
            CHECK(row.state == "done");
            CHECK(row.assetId == "asset-1");
            CHECK(row.writer.empty());
            CHECK(row.expiresAtUs == kJuly2021Us + 42);
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) {
                        return r.finishUpload("u1", "failed", std::nullopt, "not a photo", kJuly2021Us + 43);
                    }).ok());
            row = found(*t.storage, t.alice, "u1");
            CHECK(row.state == "failed");
            CHECK(row.error == "not a photo");
            auto byBob = withUploads(*t.storage, [&](UploadsRepository& r) { return r.deleteUpload(t.bob, "u1"); });
            REQUIRE(byBob.ok());
            CHECK_FALSE(*byBob);
            auto byAlice = withUploads(*t.storage, [&](UploadsRepository& r) { return r.deleteUpload(t.alice, "u1"); });
            REQUIRE(byAlice.ok());
            CHECK(*byAlice);
            auto gone = withUploads(*t.storage, [&](UploadsRepository& r) { return r.findUpload(t.alice, "u1"); });
            REQUIRE(gone.ok());
            CHECK_FALSE(gone->has_value());
        });
    }

    TEST_CASE("the sweeper lists what expired, soonest first and bounded, removes it; a deleted owner's uploads go") {
        forEachBackend([](Backend& backend) {
            auto t = twoUsers(backend);
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) -> Status {
                        OBSCURA_TRY_STATUS(r.createUpload(upload("late", t.alice, kJuly2021Us + 300)));
                        OBSCURA_TRY_STATUS(r.createUpload(upload("early", t.bob, kJuly2021Us + 100)));
                        OBSCURA_TRY_STATUS(r.createUpload(upload("middle", t.alice, kJuly2021Us + 200)));
                        return r.createUpload(upload("future", t.alice, kJuly2021Us + 9000));
                    }).ok());
            auto expired = withUploads(
                *t.storage, [&](UploadsRepository& r) { return r.listExpiredUploads(kJuly2021Us + 1000, 2); });
            REQUIRE(expired.ok());
            REQUIRE(expired->size() == 2);
            CHECK((*expired)[0].id == "early");
            CHECK((*expired)[1].id == "middle");
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) { return r.removeUpload("early"); }).ok());
            expired = withUploads(*t.storage,
                                  [&](UploadsRepository& r) { return r.listExpiredUploads(kJuly2021Us + 1000, 10); });
            REQUIRE(expired.ok());
            REQUIRE(expired->size() == 2);
            CHECK((*expired)[0].id == "middle");
            CHECK((*expired)[1].id == "late");
            auto deleted = t.storage->run([&](storage::Repositories& repos) -> Status {
                OBSCURA_TRY(gone, repos.auth().deleteUser(t.alice, false));
                (void)gone;
                return {};
            });
            REQUIRE_MESSAGE(deleted.ok(), (deleted.ok() ? "" : deleted.error().message));
            auto left = withUploads(*t.storage, [&](UploadsRepository& r) { return r.findUpload(t.alice, "future"); });
            REQUIRE(left.ok());
            CHECK_FALSE(left->has_value());
        });
    }

    TEST_CASE("an upload's parts in the blob store are recorded once, replaced as a whole, and go with the upload") {
        forEachBackend([](Backend& backend) {
            auto t = twoUsers(backend);
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) -> Status {
                        OBSCURA_TRY_STATUS(r.createUpload(upload("u1", t.alice, kJuly2021Us + 100)));
                        OBSCURA_TRY_STATUS(r.createUpload(upload("u2", t.alice, kJuly2021Us + 200)));
                        return r.createUpload(upload("u3", t.bob, kJuly2021Us + 300));
                    }).ok());
            // Without parts (the data dir's spool): empty.
            CHECK(found(*t.storage, t.alice, "u2").partsId.empty());
            CHECK(found(*t.storage, t.alice, "u2").partsJson.empty());
            REQUIRE(
                withUploads(*t.storage, [&](UploadsRepository& r) { return r.createUploadParts("u1", "mp-1"); }).ok());
            auto row = found(*t.storage, t.alice, "u1");
            CHECK(row.partsId == "mp-1");
            CHECK(row.partsJson == "[]");
            auto again = withUploads(*t.storage, [&](UploadsRepository& r) { return r.createUploadParts("u1", "x"); });
            REQUIRE_FALSE(again.ok());
            CHECK(again.error().code == ErrorCode::Conflict);
            const std::string parts = R"([[1,"\"etag-1\"",5242880],[2,"\"etag-2\"",6000000]])";
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) { return r.setUploadParts("u1", parts); }).ok());
            CHECK(found(*t.storage, t.alice, "u1").partsJson == parts);
            // The owner's uploads, whatever their state; and the expired listing carries the parts too.
            auto mine = withUploads(*t.storage, [&](UploadsRepository& r) { return r.listUploadsOf(t.alice); });
            REQUIRE(mine.ok());
            REQUIRE(mine->size() == 2);
            CHECK((*mine)[0].id == "u1");
            CHECK((*mine)[0].partsId == "mp-1");
            CHECK((*mine)[1].id == "u2");
            auto expired = withUploads(
                *t.storage, [&](UploadsRepository& r) { return r.listExpiredUploads(kJuly2021Us + 150, 10); });
            REQUIRE(expired.ok());
            REQUIRE(expired->size() == 1);
            CHECK((*expired)[0].partsJson == parts);
            // The parts' row goes with its upload; a new upload of that id starts without parts.
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) { return r.removeUpload("u1"); }).ok());
            REQUIRE(withUploads(*t.storage, [&](UploadsRepository& r) {
                        return r.createUpload(upload("u1", t.alice, kJuly2021Us + 100));
                    }).ok());
            CHECK(found(*t.storage, t.alice, "u1").partsId.empty());
        });
    }
}
