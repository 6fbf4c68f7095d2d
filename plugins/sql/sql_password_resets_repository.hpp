#pragma once
#include "obscura/storage/password_resets_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// Mailed password-reset tokens (password_resets) on one borrowed connection; spending one is a conditional UPDATE.
class SqlPasswordResetsRepository final : public storage::PasswordResetsRepository {
public:
    explicit SqlPasswordResetsRepository(Session& session) : s_(session) {}

    Expected<std::vector<storage::UserRecord>> findUsersByEmail(const std::string& email, int limit) override;
    Status createPasswordReset(const storage::PasswordResetRecord& reset) override;
    Expected<std::optional<storage::PasswordResetRecord>> findPasswordReset(const std::string& tokenHash) override;
    Expected<bool> consumePasswordReset(const std::string& tokenHash, std::int64_t nowUs) override;
    Expected<std::int64_t> deleteUserPasswordResets(const std::string& userId) override;
    Expected<std::int64_t> purgePasswordResets(std::int64_t expiredBeforeUs) override;

private:
    Session& s_;
};

}  // namespace obscura::sql
