#include "stored_contacts.hpp"

#include "obscura/storage/storage.hpp"

namespace obscura::auth {

Expected<std::optional<UserContact>> StoredContacts::contact(const std::string& userId) {
    std::optional<UserContact> out;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(user, repos.auth().findUserById(userId));
        if (user) out = UserContact{user->email, user->displayName, user->username};
        return {};
    }));
    return out;
}

}  // namespace obscura::auth
