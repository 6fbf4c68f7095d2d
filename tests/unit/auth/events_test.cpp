#include "obscura/auth/events.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace obscura::auth;

TEST_SUITE("auth.events") {
    TEST_CASE("user events carry DESIGN's names and survive a JSON round trip, as a broker would carry them") {
        CHECK(UserCreated::kName == "user.created");
        CHECK(UserDeleted::kName == "user.deleted");
        const UserCreated created{"6f1c2d3e-0000-4000-8000-000000000001", "alice", true};
        const nlohmann::json j = created;
        CHECK(j == nlohmann::json{{"id", created.id}, {"username", "alice"}, {"isAdmin", true}});
        const auto back = j.get<UserCreated>();
        CHECK(back.id == created.id);
        CHECK(back.username == "alice");
        CHECK(back.isAdmin);

        const UserDeleted deleted{created.id, "alice"};
        const auto again = nlohmann::json(deleted).get<UserDeleted>();
        CHECK(again.id == deleted.id);
        CHECK(again.username == "alice");
        CHECK_THROWS(nlohmann::json{{"username", "x"}}.get<UserDeleted>());
    }
}
