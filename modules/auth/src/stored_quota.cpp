#include "stored_quota.hpp"

#include "obscura/storage/storage.hpp"

namespace obscura::auth {

Expected<std::optional<std::int64_t>> StoredQuota::quotaBytesIn(storage::Repositories& tx, const std::string& userId) {
    OBSCURA_TRY(user, tx.auth().findUserById(userId));
    if (!user) return notFound("no such user");
    return user->quotaBytes;
}

Expected<std::optional<std::int64_t>> StoredQuota::quotaBytes(const std::string& userId) {
    Expected<std::optional<std::int64_t>> result = std::optional<std::int64_t>();
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        result = quotaBytesIn(repos, userId);
        return {};
    }));
    return result;
}

}  // namespace obscura::auth
