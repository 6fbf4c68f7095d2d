#pragma once
// Two-factor sign-in (DESIGN §13, migration module "mfa"): one TOTP secret per user (pending until the first code
// enables it), the user's single-use recovery codes (hashed), and the short-lived challenges a password sign-in
// hands out while the second factor is still owed (hashed, single-use). Every row goes with its user.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::storage {

struct MfaRecord {
    std::string userId;
    std::string secret;  // opaque to storage: the auth module keeps it encrypted
    bool enabled = false;
    std::int64_t lastStep = 0;  // the newest TOTP time step accepted: a code of this step or older is refused
    std::int64_t createdAtUs = 0;
};

struct MfaChallengeRecord {
    std::string tokenHash;
    std::string userId;
    std::int64_t expiresAtUs = 0;
    std::optional<std::int64_t> usedAtUs;
};

class MfaRepository {
public:
    virtual ~MfaRepository() = default;
    // nullopt when the user never began a setup (or it was removed).
    virtual Expected<std::optional<MfaRecord>> findMfa(const std::string& userId) = 0;
    // Stores a pending (not enabled) secret for the user, replacing an earlier pending one. False, with nothing
    // written, when the user's MFA is enabled: a second setup cannot overwrite a working secret.
    virtual Expected<bool> setPendingMfa(const MfaRecord& record) = 0;
    // Enables a pending secret at lastStep and replaces the user's recovery codes with codeHashes, together. False
    // when there is no pending secret (none, or enabled already: of two racing enables one wins).
    virtual Expected<bool> enableMfa(const std::string& userId, std::int64_t lastStep,
                                     const std::vector<std::string>& codeHashes) = 0;
    // Records step as the newest accepted, only when it is newer than the stored one and MFA is enabled: of two
    // racing uses of one code exactly one gets true.
    virtual Expected<bool> advanceMfaStep(const std::string& userId, std::int64_t step) = 0;
    // Removes the secret and the recovery codes; false when there was no secret.
    virtual Expected<bool> deleteMfa(const std::string& userId) = 0;
    // Marks the user's unused recovery code with that hash used at nowUs; false when there is none unused.
    virtual Expected<bool> useRecoveryCode(const std::string& userId, const std::string& codeHash,
                                           std::int64_t nowUs) = 0;
    // Recovery codes not used yet.
    virtual Expected<std::int64_t> countRecoveryCodes(const std::string& userId) = 0;

    // Conflict when the tokenHash is taken.
    virtual Status createMfaChallenge(const MfaChallengeRecord& challenge) = 0;
    // Any state (used, expired): the caller decides.
    virtual Expected<std::optional<MfaChallengeRecord>> findMfaChallenge(const std::string& tokenHash) = 0;
    // Marks a live challenge (unused, expiring after nowUs) used; false when it was not live.
    virtual Expected<bool> consumeMfaChallenge(const std::string& tokenHash, std::int64_t nowUs) = 0;
    // Deletes challenges that expired before the given time; answers how many.
    virtual Expected<std::int64_t> purgeMfaChallenges(std::int64_t expiredBeforeUs) = 0;
};

}  // namespace obscura::storage
