#pragma once
#include "obscura/auth/user_contacts.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

// Contacts as the users table holds them.
class StoredContacts final : public UserContacts {
public:
    explicit StoredContacts(storage::Storage& storage) : storage_(storage) {}
    Expected<std::optional<UserContact>> contact(const std::string& userId) override;

private:
    storage::Storage& storage_;
};

}  // namespace obscura::auth
