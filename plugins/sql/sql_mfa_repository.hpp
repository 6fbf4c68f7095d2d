#pragma once
#include "obscura/storage/mfa_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// Two-factor sign-in (user_mfa, mfa_recovery_codes, mfa_challenges) on one borrowed connection. Every "once only"
// rule — a time step, a recovery code, a challenge — is one conditional UPDATE, so racing uses cannot both win.
class SqlMfaRepository final : public storage::MfaRepository {
public:
    explicit SqlMfaRepository(Session& session) : s_(session) {}

    Expected<std::optional<storage::MfaRecord>> findMfa(const std::string& userId) override;
    Expected<bool> setPendingMfa(const storage::MfaRecord& record) override;
    Expected<bool> enableMfa(const std::string& userId, std::int64_t lastStep,
                             const std::vector<std::string>& codeHashes) override;
    Expected<bool> advanceMfaStep(const std::string& userId, std::int64_t step) override;
    Expected<bool> deleteMfa(const std::string& userId) override;
    Expected<bool> useRecoveryCode(const std::string& userId, const std::string& codeHash, std::int64_t nowUs) override;
    Expected<std::int64_t> countRecoveryCodes(const std::string& userId) override;
    Status createMfaChallenge(const storage::MfaChallengeRecord& challenge) override;
    Expected<std::optional<storage::MfaChallengeRecord>> findMfaChallenge(const std::string& tokenHash) override;
    Expected<bool> consumeMfaChallenge(const std::string& tokenHash, std::int64_t nowUs) override;
    Expected<std::int64_t> purgeMfaChallenges(std::int64_t expiredBeforeUs) override;

private:
    Session& s_;
};

}  // namespace obscura::sql
