#include "sharing_api.hpp"

#include <doctest/doctest.h>

namespace obscura::test {

std::string AlbumFamily::album(const Account& owner, const std::string& name, const std::string& parentId) {
    nlohmann::json body = {{"albumName", name}};
    if (!parentId.empty()) body["parentId"] = parentId;
    auto r = postJson(http, "/api/albums", body, owner.auth());
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r)["id"];
}

HttpResponse AlbumFamily::share(const std::string& albumId, const Account& user, const std::string& role,
                                const Account* owner) {
    return send("PUT", "/api/albums/" + albumId + "/users", {{"albumUsers", {{{"userId", user.id}, {"role", role}}}}},
                owner ? *owner : alice);
}

}  // namespace obscura::test
