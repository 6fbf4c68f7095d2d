#pragma once
// Password reset by e-mail (DESIGN §13, migration module "password_reset"): the mailed single-use tokens, kept
// hashed, each for one user and a short time. Rows go with their user.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {

struct PasswordResetRecord {
    std::string tokenHash;
    std::string userId;
    std::int64_t createdAtUs = 0;
    std::int64_t expiresAtUs = 0;
    std::optional<std::int64_t> usedAtUs;
};

class PasswordResetsRepository {
public:
    virtual ~PasswordResetsRepository() = default;
    // The accounts whose e-mail address equals email, ignoring ASCII case, by username; at most limit. "" finds
    // none.
    virtual Expected<std::vector<UserRecord>> findUsersByEmail(const std::string& email, int limit) = 0;
    // Conflict when the tokenHash is taken.
    virtual Status createPasswordReset(const PasswordResetRecord& reset) = 0;
    // Any state (used, expired): the caller decides.
    virtual Expected<std::optional<PasswordResetRecord>> findPasswordReset(const std::string& tokenHash) = 0;
    // Marks a live token (unused, expiring after nowUs) used; false when it was not live. Of two racing uses of
    // one token exactly one gets true.
    virtual Expected<bool> consumePasswordReset(const std::string& tokenHash, std::int64_t nowUs) = 0;
    // Deletes every token of the user that is still unused (a reset spent, or the password changed otherwise).
    virtual Expected<std::int64_t> deleteUserPasswordResets(const std::string& userId) = 0;
    // Deletes tokens that expired before the given time; answers how many.
    virtual Expected<std::int64_t> purgePasswordResets(std::int64_t expiredBeforeUs) = 0;
};

}  // namespace obscura::storage
