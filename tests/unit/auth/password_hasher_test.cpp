#include "password_hasher.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <thread>
#include <vector>

#include "obscura/kernel/module.hpp"

using namespace obscura;
using namespace obscura::auth;

namespace {

// OWASP's minimum, which keeps these tests fast; production defaults are higher.
const PasswordParams kMinimum{kMinPasswordMemoryBytes, kMinPasswordIterations};

double secondsOf(const std::function<void()>& fn) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_SUITE("auth.password") {
    TEST_CASE("a hash is argon2id with its parameters inside, salted, and verifies only its own password") {
        PasswordHasher hasher(kMinimum, 2, std::chrono::seconds(30));
        auto first = hasher.hash("correct horse battery");
        auto second = hasher.hash("correct horse battery");
        REQUIRE(first.ok());
        REQUIRE(second.ok());
        CHECK(first->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
        CHECK(*first != *second);  // a fresh salt each time
        CHECK(*hasher.verify(*first, "correct horse battery"));
        CHECK(*hasher.verify(*second, "correct horse battery"));
        CHECK_FALSE(*hasher.verify(*first, "correct horse batterY"));
        CHECK_FALSE(*hasher.verify(*first, ""));
        CHECK_FALSE(*hasher.verify("not a hash", "correct horse battery"));
        CHECK_FALSE(*hasher.verify("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
    }

    TEST_CASE("parameters below OWASP's minimum are refused when the hasher is made") {
        CHECK_THROWS_AS(PasswordHasher(PasswordParams{18 * 1024 * 1024, 2}, 1, std::chrono::seconds(1)),
                        ModuleStartError);
        CHECK_THROWS_AS(PasswordHasher(PasswordParams{64 * 1024 * 1024, 1}, 1, std::chrono::seconds(1)),
                        ModuleStartError);
    }

    TEST_CASE("a hash made with other parameters needs a rehash, and still verifies") {
        PasswordHasher weak(kMinimum, 1, std::chrono::seconds(30));
        PasswordHasher stronger(PasswordParams{kMinPasswordMemoryBytes, 3}, 1, std::chrono::seconds(30));
        auto old = *weak.hash("correct horse battery");
        CHECK_FALSE(weak.needsRehash(old));
        CHECK(stronger.needsRehash(old));
        CHECK(*stronger.verify(old, "correct horse battery"));
        auto fresh = *stronger.hash("correct horse battery");
        CHECK(fresh.find("t=3") != std::string::npos);
        CHECK_FALSE(stronger.needsRehash(fresh));
        CHECK(stronger.needsRehash("garbage"));
    }

    TEST_CASE("a password over 1024 bytes is refused before any hashing") {
        PasswordHasher hasher(kMinimum, 1, std::chrono::seconds(30));
        const std::string limit(kMaxPasswordBytes, 'x');
        const std::string huge(1 << 20, 'x');
        Expected<std::string> refused = std::string();
        const double refusing = secondsOf([&] { refused = hasher.hash(huge); });
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::Invalid);
        Expected<bool> compared = true;
        const double comparing = secondsOf([&] { compared = hasher.verify(*hasher.hash(limit), huge); });
        CHECK_FALSE(*compared);
        const double hashing = secondsOf([&] { CHECK(hasher.hash(limit).ok()); });
        CHECK(refusing < hashing / 10);
        CHECK(comparing < 3 * hashing);  // one hash for the setup, none for the oversized password
    }

    TEST_CASE("checking a password without an account costs what checking a real one does") {
        PasswordHasher hasher(kMinimum, 1, std::chrono::seconds(30));
        const auto stored = *hasher.hash("correct horse battery");
        double real = 0, dummy = 0;
        for (int i = 0; i < 3; ++i) {
            real += secondsOf([&] { CHECK_FALSE(*hasher.verify(stored, "wrong password")); });
            dummy += secondsOf([&] { CHECK_FALSE(*hasher.verifyWithoutAccount("wrong password")); });
        }
        CHECK(*hasher.verifyWithoutAccount("correct horse battery") == false);
        CHECK(dummy > real * 0.5);
        CHECK(dummy < real * 2.0);
    }

    TEST_CASE("the gate runs at most its capacity at once, queues twice that, and refuses the rest with 503") {
        PasswordHasher hasher(kMinimum, 1, std::chrono::seconds(30));
        constexpr int kCallers = 6;
        std::latch start(kCallers);
        std::atomic<int> hashed{0}, refused{0}, other{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < kCallers; ++i) {
            threads.emplace_back([&] {
                start.arrive_and_wait();
                auto h = hasher.hash("correct horse battery");
                if (h.ok()) {
                    ++hashed;
                } else if (h.error().code == ErrorCode::Unavailable && h.error().retryAfterSeconds == 1) {
                    ++refused;
                } else {
                    ++other;
                }
            });
        }
        for (auto& t : threads) t.join();
        CHECK(other == 0);
        // One runs and two wait while the first hash takes tens of milliseconds; the rest are turned away.
        // (A caller scheduled after the first hash finished may still get in, hence the inequalities.)
        CHECK(hashed >= 3);
        CHECK(refused >= 1);
        CHECK(hashed + refused == kCallers);
    }

    TEST_CASE("a caller that waits longer than the gate allows gets 503 instead of a hash") {
        // Slow enough (~0.5 s) that the second caller surely arrives while the first one holds the only slot.
        PasswordHasher hasher(PasswordParams{128 * 1024 * 1024, 4}, 1, std::chrono::milliseconds(20));
        std::thread holder([&] { CHECK(hasher.hash("correct horse battery").ok()); });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto refused = hasher.hash("correct horse battery");
        holder.join();
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::Unavailable);
        CHECK(refused.error().retryAfterSeconds == std::optional<int>(1));
        CHECK(hasher.hash("correct horse battery").ok());  // a free gate admits at once
    }
}
