// The event relay's log: ids increase and are global to the database (two connections appending at once never
// get the same id), a tail reads in id order from any point, one user's backlog is theirs only, pruning drops
// old rows but never lets an id be given again.
#include <doctest/doctest.h>

#include <set>
#include <thread>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;
using storage::RelayEventRecord;

namespace {

template <typename Fn>
auto withRelay(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<storage::RelayRepository&>())) {
    using Result = decltype(fn(std::declval<storage::RelayRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.relay()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

RelayEventRecord event(const std::string& user, const std::string& name, std::int64_t atUs) {
    RelayEventRecord e;
    e.origin = "replica-a";
    e.userId = user;
    e.name = name;
    e.data = R"({"assetId":"x"})";
    e.createdAtUs = atUs;
    return e;
}

std::int64_t appendOk(storage::Storage& s, const RelayEventRecord& e) {
    auto id = withRelay(s, [&](auto& r) { return r.append(e); });
    REQUIRE_MESSAGE(id.ok(), id.error().message);
    return *id;
}

}  // namespace

TEST_SUITE("conformance.relay") {
    TEST_CASE("appended events get increasing ids and read back in id order from any point") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            CHECK(withRelay(*storage, [](auto& r) { return r.latestId(); }).valueOr(-1) == 0);
            const auto a = appendOk(*storage, event("u1", "derivative.created", 1000));
            const auto b = appendOk(*storage, event("u2", "job.progressed", 1001));
            const auto c = appendOk(*storage, event("", "job.wake", 1002));
            CHECK(a > 0);
            CHECK(b > a);
            CHECK(c > b);
            CHECK(withRelay(*storage, [](auto& r) { return r.latestId(); }).valueOr(-1) == c);

            auto all = withRelay(*storage, [](auto& r) { return r.after(0, 100); });
            REQUIRE(all.ok());
            REQUIRE(all->size() == 3);
            CHECK((*all)[0].id == a);
            CHECK((*all)[0].origin == "replica-a");
            CHECK((*all)[0].userId == "u1");
            CHECK((*all)[0].name == "derivative.created");
            CHECK((*all)[0].data == R"({"assetId":"x"})");
            CHECK((*all)[0].createdAtUs == 1000);
            CHECK((*all)[2].userId.empty());

            auto tail = withRelay(*storage, [&](auto& r) { return r.after(a, 1); });
            REQUIRE(tail.ok());
            REQUIRE(tail->size() == 1);
            CHECK(tail->front().id == b);
            CHECK(withRelay(*storage, [](auto& r) { return r.after(0, 0); }).error().code == ErrorCode::Invalid);
        });
    }

    TEST_CASE("one user's backlog holds their events after the given id and nobody else's") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            const auto first = appendOk(*storage, event("alice", "derivative.created", 1));
            appendOk(*storage, event("bob", "derivative.created", 2));
            const auto third = appendOk(*storage, event("alice", "job.progressed", 3));
            const auto fourth = appendOk(*storage, event("alice", "album.shared", 4));

            auto backlog = withRelay(*storage, [&](auto& r) { return r.afterForUser("alice", first, 100); });
            REQUIRE(backlog.ok());
            REQUIRE(backlog->size() == 2);
            CHECK((*backlog)[0].id == third);
            CHECK((*backlog)[1].id == fourth);
            auto none = withRelay(*storage, [&](auto& r) { return r.afterForUser("carol", 0, 100); });
            REQUIRE(none.ok());
            CHECK(none->empty());
        });
    }

    TEST_CASE("pruning drops old events, and ids are never given twice afterwards") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database);
            appendOk(*storage, event("u", "a.b", 100));
            const auto kept = appendOk(*storage, event("u", "a.b", 500));
            CHECK(withRelay(*storage, [](auto& r) { return r.prune(200); }).valueOr(-1) == 1);
            auto left = withRelay(*storage, [](auto& r) { return r.after(0, 10); });
            REQUIRE(left.ok());
            REQUIRE(left->size() == 1);
            CHECK(left->front().id == kept);
            CHECK(withRelay(*storage, [](auto& r) { return r.prune(1000); }).valueOr(-1) == 1);
            CHECK(withRelay(*storage, [](auto& r) { return r.latestId(); }).valueOr(-1) == 0);
            CHECK(appendOk(*storage, event("u", "a.b", 2000)) > kept);
        });
    }

    TEST_CASE("appends from several connections at once each get an id of their own") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database, 4);
            std::vector<std::vector<std::int64_t>> ids(4);
            std::vector<std::thread> threads;
            for (int t = 0; t < 4; ++t)
                threads.emplace_back([&, t] {
                    for (int i = 0; i < 25; ++i) {
                        auto id = withRelay(*storage, [&](auto& r) { return r.append(event("u", "a.b", i)); });
                        if (id.ok()) ids[t].push_back(*id);
                    }
                });
            for (auto& t : threads) t.join();
            std::set<std::int64_t> unique;
            for (auto& v : ids) unique.insert(v.begin(), v.end());
            CHECK(unique.size() == 100);
        });
    }
}
