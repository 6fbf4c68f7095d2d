// An acknowledged write is on disk: a writer process killed right after the acknowledgement loses nothing.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend_context.hpp"
#include "conformance_support.hpp"

using namespace obscura;
using namespace obscura::conformance;

TEST_SUITE("conformance.durability") {
    TEST_CASE("a write acknowledged to a process that is then killed is still there after reopening") {
        forEachBackend([](Backend& backend) {
            auto database = backend.newDatabase();
            // Migrate, then close everything: the child must not share connections (or SQLite's per-file
            // lock bookkeeping) with this process across fork().
            { openMigrated(*database); }
            const auto user = makeUser("durable");
            int pipeFds[2];
            REQUIRE(::pipe(pipeFds) == 0);
            const pid_t child = ::fork();
            REQUIRE(child >= 0);
            if (child == 0) {
                ::close(pipeFds[0]);
                auto opened = database->open(1);
                char verdict = 'E';
                if (opened.ok() && createUser(**opened, user).ok()) verdict = 'K';
                (void)!::write(pipeFds[1], &verdict, 1);
                // No destructor, no checkpoint, no clean close: the process just disappears.
                ::kill(::getpid(), SIGKILL);
                ::_exit(3);
            }
            ::close(pipeFds[1]);
            char verdict = 0;
            const auto got = ::read(pipeFds[0], &verdict, 1);
            ::close(pipeFds[0]);
            int waitStatus = 0;
            REQUIRE(::waitpid(child, &waitStatus, 0) == child);
            REQUIRE(got == 1);
            REQUIRE_MESSAGE(verdict == 'K', "the child could not write the user");
            CHECK(WIFSIGNALED(waitStatus));

            auto reopened = database->open();
            REQUIRE_MESSAGE(reopened.ok(), reopened.error().message);
            auto found = findUserById(**reopened, user.id);
            REQUIRE_MESSAGE(found.ok(), found.error().message);
            REQUIRE(found->has_value());
            CHECK((*found)->username == user.username);
        });
    }
}
