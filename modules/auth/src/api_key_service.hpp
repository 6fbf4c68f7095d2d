#pragma once
// API keys: long-lived credentials for scripts and apps (the Immich CLI), sent as x-api-key. The secret exists
// only in the answer to its creation; the server keeps its hash. One user's keys are invisible to every other
// user: someone else's key is as absent as a key that never existed.
#include <optional>
#include <string>
#include <vector>

#include "obscura/base/clock.hpp"
#include "obscura/base/expected.hpp"
#include "obscura/storage/records.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

inline constexpr std::size_t kMaxApiKeysPerUser = 100;

struct NewApiKey {
    std::string secret;  // shown once, never stored
    storage::ApiKeyRecord key;
};

class ApiKeyService {
public:
    ApiKeyService(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

    // name nullopt: "API Key". Invalid for a bad name; Conflict once the user holds kMaxApiKeysPerUser keys.
    Expected<NewApiKey> create(const std::string& userId, const std::optional<std::string>& name);
    Expected<std::vector<storage::ApiKeyRecord>> list(const std::string& userId);
    // NotFound unless the user has a key with this id.
    Expected<storage::ApiKeyRecord> find(const std::string& userId, const std::string& keyId);
    // The key stops working at once; NotFound unless the user has a key with this id.
    Status remove(const std::string& userId, const std::string& keyId);

private:
    storage::Storage& storage_;
    const Clock& clock_;
};

}  // namespace obscura::auth
