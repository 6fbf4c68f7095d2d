#pragma once
// Helpers for the album-sharing integration tests: Alice (admin), Bob, Carol and Dave on one app, albums made
// and shared through HTTP.
#include <string>

#include "app_fixture.hpp"
#include "images_api.hpp"

namespace obscura::test {

struct AlbumFamily {
    AppFixture fx{fastAuth()};
    HttpClient http{fx.port()};
    Account alice = firstAccount(http, "alice");
    Account bob = anotherAccount(http, alice, "bob");
    Account carol = anotherAccount(http, alice, "carol");
    Account dave = anotherAccount(http, alice, "dave");  // the stranger

    // A new album of `owner` (optionally nested), REQUIREd; answers its id.
    std::string album(const Account& owner, const std::string& name, const std::string& parentId = "");
    // PUT /api/albums/{id}/users with one user; answers the response.
    HttpResponse share(const std::string& albumId, const Account& user, const std::string& role,
                       const Account* owner = nullptr);
    HttpResponse get(const std::string& path, const Account& who) { return http.get(path, who.auth()); }
    HttpResponse send(const std::string& method, const std::string& path, const nlohmann::json& body,
                      const Account& who) {
        return sendJson(http, method, path, body, who.auth());
    }
    HttpResponse remove(const std::string& path, const Account& who) {
        return http.request("DELETE", path, who.auth());
    }
};

}  // namespace obscura::test
