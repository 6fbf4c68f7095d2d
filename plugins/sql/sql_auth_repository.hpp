#pragma once
#include "obscura/storage/repositories.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// The auth module's tables on one borrowed connection (inside or outside a transaction): users here in
// sql_auth_repository.cpp; refresh tokens, API keys and login failures in sql_auth_sessions.cpp.
// Writes that must check and change together (the first user, the last-admin guard) lock the rows they
// depend on (Dialect::forUpdate; SQLite has one writer anyway) inside one transaction, so concurrent writers serialise
// on them; a deadlock between two of them makes one run again and see the other's result.
class SqlAuthRepository final : public storage::AuthRepository {
public:
    explicit SqlAuthRepository(Session& session) : s_(session) {}

    Expected<std::int64_t> countUsers() override;
    Status createUser(const storage::UserRecord& user) override;
    Expected<std::optional<storage::UserRecord>> findUserById(const std::string& id) override;
    Expected<std::optional<storage::UserRecord>> findUserByUsernameKey(const std::string& usernameKey) override;
    Expected<bool> createFirstUser(const storage::UserRecord& user) override;
    Expected<std::vector<storage::UserRecord>> listUsers(int limit, const std::string& afterUsernameKey) override;
    Expected<std::int64_t> countActiveAdmins() override;
    Expected<storage::UserWrite> updateUser(const storage::UserRecord& user, bool keepAnotherAdmin) override;
    Expected<storage::UserWrite> deleteUser(const std::string& id, bool keepAnotherAdmin) override;

    Status createRefreshToken(const storage::RefreshTokenRecord& token) override;
    Expected<std::optional<storage::RefreshTokenRecord>> findRefreshToken(const std::string& tokenHash) override;
    Expected<bool> consumeRefreshToken(const std::string& id, std::int64_t nowUs) override;
    Expected<std::int64_t> revokeRefreshFamily(const std::string& familyId) override;
    Expected<std::int64_t> revokeUserRefreshTokens(const std::string& userId) override;
    Expected<std::int64_t> purgeRefreshTokens(std::int64_t expiredBeforeUs) override;

    Status createApiKey(const storage::ApiKeyRecord& key) override;
    Expected<std::optional<storage::ApiKeyWithOwner>> findApiKeyByHash(const std::string& keyHash) override;
    Expected<std::vector<storage::ApiKeyRecord>> listApiKeys(const std::string& userId) override;
    Expected<std::optional<storage::ApiKeyRecord>> findApiKey(const std::string& userId,
                                                              const std::string& id) override;
    Expected<bool> deleteApiKey(const std::string& userId, const std::string& id) override;

    Expected<storage::LoginFailures> addLoginFailure(const std::string& key, std::int64_t nowUs,
                                                     std::int64_t windowUs) override;
    Expected<std::optional<storage::LoginFailures>> findLoginFailures(const std::string& key) override;
    Status clearLoginFailures(const std::string& key) override;
    Expected<std::int64_t> purgeLoginFailures(std::int64_t windowStartedBeforeUs) override;

private:
    Session& s_;
};

// The users columns in the order readUserRow() reads them, and the reader, shared by both source files.
extern const std::string_view kUserColumns;
storage::UserRecord readUserRow(const Rows& row, int firstColumn = 0);

}  // namespace obscura::sql
