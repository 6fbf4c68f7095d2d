#pragma once
// How to reach a user, for modules that notify them (media's e-mail when a conversion is done).
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

struct UserContact {
    std::string email;  // "" when the user gave none
    std::string displayName;
    std::string username;
};

class UserContacts {
public:
    virtual ~UserContacts() = default;
    // nullopt when there is no such user (deleted meanwhile).
    virtual Expected<std::optional<UserContact>> contact(const std::string& userId) = 0;
};

}  // namespace obscura::auth
