#include "api_key_service.hpp"

#include "account_rules.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/storage/storage.hpp"
#include "secrets.hpp"

namespace obscura::auth {

namespace {

constexpr std::string_view kDefaultKeyName = "API Key";

Error noSuchKey() { return notFound("no such API key"); }

}  // namespace

Expected<NewApiKey> ApiKeyService::create(const std::string& userId, const std::optional<std::string>& name) {
    const std::string keyName = name.value_or(std::string(kDefaultKeyName));
    OBSCURA_TRY_STATUS(checkApiKeyName(keyName));
    NewApiKey created;
    created.secret = randomSecret();
    created.key =
        storage::ApiKeyRecord{newUuid(), userId, keyName, hashSecret(created.secret), formatRfc3339(clock_.nowUs())};
    OBSCURA_TRY_STATUS(storage_.transaction([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(existing, repos.auth().listApiKeys(userId));
        if (existing.size() >= kMaxApiKeysPerUser) {
            return conflict("an account may have at most " + std::to_string(kMaxApiKeysPerUser) +
                            " API keys; delete one first");
        }
        return repos.auth().createApiKey(created.key);
    }));
    return created;
}

Expected<std::vector<storage::ApiKeyRecord>> ApiKeyService::list(const std::string& userId) {
    std::vector<storage::ApiKeyRecord> keys;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.auth().listApiKeys(userId));
        keys = std::move(found);
        return {};
    }));
    return keys;
}

Expected<storage::ApiKeyRecord> ApiKeyService::find(const std::string& userId, const std::string& keyId) {
    std::optional<storage::ApiKeyRecord> key;
    OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
        OBSCURA_TRY(found, repos.auth().findApiKey(userId, keyId));
        key = std::move(found);
        return {};
    }));
    if (!key) return noSuchKey();
    return std::move(*key);
}

Status ApiKeyService::remove(const std::string& userId, const std::string& keyId) {
    bool deleted = false;
    if (isUuid(keyId)) {
        OBSCURA_TRY_STATUS(storage_.run([&](storage::Repositories& repos) -> Status {
            OBSCURA_TRY(done, repos.auth().deleteApiKey(userId, keyId));
            deleted = done;
            return {};
        }));
    }
    if (!deleted) return noSuchKey();
    return {};
}

}  // namespace obscura::auth
