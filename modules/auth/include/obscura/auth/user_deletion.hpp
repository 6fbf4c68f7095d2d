#pragma once
// A module that keeps something of a user outside the database rows that cascade (images: the library and
// derived files) registers this hook in the service registry. Auth calls it inside the transaction that deletes
// the user, so the clean-up is enqueued atomically with the deletion (an outbox job): a crash right after the
// commit cannot leave the files behind. The user.deleted event still follows, for anyone merely interested.
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::storage {
class Repositories;
}

namespace obscura::auth {

class UserDeletionHook {
public:
    virtual ~UserDeletionHook() = default;
    // Runs in the deleting transaction, after the user's row is gone; an error rolls the deletion back.
    virtual Status onUserDeleted(storage::Repositories& tx, const std::string& userId) = 0;
    // Runs in the deleting transaction just before the user's row goes, while the rows that cascade with it can
    // still be read (images: the unfinished uploads, whose bytes are not under the user's folders). The deletion
    // may still be refused after it (the last administrator). An error rolls the deletion back.
    virtual Status beforeUserDeleted(storage::Repositories& tx, const std::string& userId) {
        (void)tx;
        (void)userId;
        return {};
    }
};

}  // namespace obscura::auth
