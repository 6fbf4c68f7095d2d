// Two transactions that write the same rows in opposite orders: a backend with row locks (MySQL) deadlocks
// them and must run the loser again by itself; one with a database-wide write lock (SQLite) serialises them.
// Either way both callers see success and the result is as if one ran after the other.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

namespace {

// Each writer waits here (briefly) for the other, so that on a row-locking backend both hold their first row
// before either asks for its second; a serialising backend lets the wait time out.
class Meeting {
public:
    void arriveAndWait() {
        std::unique_lock lock(mutex_);
        ++arrived_;
        changed_.notify_all();
        changed_.wait_for(lock, std::chrono::milliseconds(300), [&] { return arrived_ >= 2; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int arrived_ = 0;
};

}  // namespace

TEST_SUITE("conformance.transactions") {
    TEST_CASE("transactions writing the same rows in opposite orders both commit, one after the other") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            auto storage = openMigrated(*database, 4);
            auto first = makeUser("deadlock_a");
            auto second = makeUser("deadlock_b");
            REQUIRE(createUser(*storage, first).ok());
            REQUIRE(createUser(*storage, second).ok());
            for (int round = 0; round < 5; ++round) {
                CAPTURE(round);
                Meeting meeting;
                std::atomic<int> callbacks{0};
                const auto writer = [&](const storage::UserRecord& a, const storage::UserRecord& b,
                                        const std::string& tag) {
                    bool met = false;
                    return storage->transaction([&](storage::Repositories& repos) -> Status {
                        ++callbacks;
                        auto x = a;
                        x.displayName = tag;
                        OBSCURA_TRY(one, repos.auth().updateUser(x, false));
                        (void)one;
                        if (!met) meeting.arriveAndWait();  // only on the first run: a retry goes straight on
                        met = true;
                        auto y = b;
                        y.displayName = tag;
                        OBSCURA_TRY(two, repos.auth().updateUser(y, false));
                        (void)two;
                        return {};
                    });
                };
                Status left, right;
                std::thread t1([&] { left = writer(first, second, "left"); });
                std::thread t2([&] { right = writer(second, first, "right"); });
                t1.join();
                t2.join();
                CHECK_MESSAGE(left.ok(), (left.ok() ? "" : left.error().message));
                CHECK_MESSAGE(right.ok(), (right.ok() ? "" : right.error().message));
                auto a = findUserById(*storage, first.id);
                auto b = findUserById(*storage, second.id);
                REQUIRE(a.ok());
                REQUIRE(b.ok());
                // Serialisable outcome: whichever committed last wrote both rows.
                CHECK((*a)->displayName == (*b)->displayName);
                if (round == 0) {
                    std::fprintf(stderr, "conformance: %s: opposite-order writers took %d callback runs for 2\n",
                                 backend.name().c_str(), callbacks.load());
                }
            }
        });
    }
}
