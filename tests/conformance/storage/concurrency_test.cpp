// Many threads on one Storage: every write lands, nobody sees Busy, readers keep going beside writers.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

TEST_SUITE("conformance.concurrency") {
    TEST_CASE("8 writer threads x 50 transactions, with readers alongside, all succeed") {
        forEachBackend([](Backend& backend) {
            constexpr int kWriters = 8;
            constexpr int kPerWriter = 50;
            constexpr int kReaders = 2;
            auto database = backend.newDatabase();
            // Fewer connections than threads, so the pool's waiting is exercised too.
            auto storage = openMigrated(*database, 8);
            auto before = countUsers(*storage);
            REQUIRE(before.ok());

            std::vector<std::vector<std::string>> ids(kWriters);
            std::mutex errorsMutex;
            std::vector<std::string> errors;
            const auto recordError = [&](const std::string& what) {
                std::lock_guard lock(errorsMutex);
                errors.push_back(what);
            };
            std::atomic<bool> writersDone{false};
            std::atomic<int> reads{0};

            const auto start = std::chrono::steady_clock::now();
            std::vector<std::thread> threads;
            for (int w = 0; w < kWriters; ++w) {
                threads.emplace_back([&, w] {
                    for (int i = 0; i < kPerWriter; ++i) {
                        const auto user = makeUser("w" + std::to_string(w));
                        auto status = storage->transaction([&](storage::Repositories& repos) -> Status {
                            // Read-then-write: the pattern that fails under a lock upgrade if the backend
                            // does not take the write lock up front.
                            OBSCURA_TRY(existing, repos.auth().findUserByUsernameKey(user.usernameKey));
                            if (existing) return conflict("username taken");
                            return repos.auth().createUser(user);
                        });
                        if (status) {
                            ids[w].push_back(user.id);
                        } else {
                            recordError("writer " + std::to_string(w) + ": " + status.error().message);
                        }
                    }
                });
            }
            for (int r = 0; r < kReaders; ++r) {
                threads.emplace_back([&] {
                    while (!writersDone.load()) {
                        auto count = countUsers(*storage);
                        if (!count) recordError("reader: " + count.error().message);
                        ++reads;
                    }
                });
            }
            for (int w = 0; w < kWriters; ++w) threads[w].join();
            writersDone = true;
            for (std::size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
            const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::fprintf(stderr, "conformance: %s: %d concurrent transactions in %.2f s (%d reads alongside)\n",
                         backend.name().c_str(), kWriters * kPerWriter, elapsed, reads.load());

            CHECK_MESSAGE(errors.empty(), errors.size() << " errors, first: " << (errors.empty() ? "" : errors[0]));
            auto after = countUsers(*storage);
            REQUIRE(after.ok());
            CHECK(*after - *before == kWriters * kPerWriter);
            for (const auto& writerIds : ids) {
                CHECK(writerIds.size() == kPerWriter);
                for (const auto& id : writerIds) {
                    auto found = findUserById(*storage, id);
                    REQUIRE(found.ok());
                    CHECK(found->has_value());
                }
            }
        });
    }
}
