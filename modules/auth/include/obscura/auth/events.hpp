#pragma once
// Events about users (DESIGN.md section 2). Other modules subscribe to them; auth never learns who listens.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace obscura::auth {

struct UserCreated {
    static constexpr std::string_view kName = "user.created";
    std::string id;
    std::string username;
    bool isAdmin = false;
};

// Published after the user's row (and, by cascade, every row that references it) is gone. Subscribers remove
// what lives outside the database: the images and media modules delete the user's files.
struct UserDeleted {
    static constexpr std::string_view kName = "user.deleted";
    std::string id;
    std::string username;
};

void to_json(nlohmann::json& j, const UserCreated& e);
void from_json(const nlohmann::json& j, UserCreated& e);
void to_json(nlohmann::json& j, const UserDeleted& e);
void from_json(const nlohmann::json& j, UserDeleted& e);

}  // namespace obscura::auth

namespace obscura::auth {

// Someone asked for a password reset of this account (issue 24). The media module mails `link` to `email`; the
// link carries a single-use token, so this event is never logged or relayed beyond this process.
struct PasswordResetRequested {
    static constexpr std::string_view kName = "user.passwordResetRequested";
    std::string userId;
    std::string username;
    std::string displayName;
    std::string email;
    std::string link;
    std::int64_t expiresInMinutes = 0;
};

void to_json(nlohmann::json& j, const PasswordResetRequested& e);
void from_json(const nlohmann::json& j, PasswordResetRequested& e);

}  // namespace obscura::auth
