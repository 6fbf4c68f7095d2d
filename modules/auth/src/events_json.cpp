#include <nlohmann/json.hpp>

#include "obscura/auth/events.hpp"

namespace obscura::auth {

void to_json(nlohmann::json& j, const UserCreated& e) {
    j = {{"id", e.id}, {"username", e.username}, {"isAdmin", e.isAdmin}};
}

void from_json(const nlohmann::json& j, UserCreated& e) {
    j.at("id").get_to(e.id);
    j.at("username").get_to(e.username);
    e.isAdmin = j.value("isAdmin", false);
}

void to_json(nlohmann::json& j, const UserDeleted& e) { j = {{"id", e.id}, {"username", e.username}}; }

void from_json(const nlohmann::json& j, UserDeleted& e) {
    j.at("id").get_to(e.id);
    j.at("username").get_to(e.username);
}

}  // namespace obscura::auth

namespace obscura::auth {

void to_json(nlohmann::json& j, const PasswordResetRequested& e) {
    j = {{"userId", e.userId}, {"username", e.username}, {"displayName", e.displayName},
         {"email", e.email},   {"link", e.link},         {"expiresInMinutes", e.expiresInMinutes}};
}

void from_json(const nlohmann::json& j, PasswordResetRequested& e) {
    j.at("userId").get_to(e.userId);
    j.at("username").get_to(e.username);
    e.displayName = j.value("displayName", "");
    j.at("email").get_to(e.email);
    j.at("link").get_to(e.link);
    e.expiresInMinutes = j.value("expiresInMinutes", std::int64_t{0});
}

}  // namespace obscura::auth
