#include "conformance_support.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <mutex>
#include <random>

namespace obscura::conformance {

std::string newUuid() {
    static std::mutex mutex;
    static std::mt19937_64 generator{std::random_device{}()};
    std::uint64_t high = 0;
    std::uint64_t low = 0;
    {
        std::lock_guard lock(mutex);
        high = generator();
        low = generator();
    }
    high = (high & ~0xf000ULL) | 0x4000ULL;          // version 4
    low = (low & ~(0x3ULL << 62)) | (0x2ULL << 62);  // RFC 4122 variant
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                  static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xffff),
                  static_cast<unsigned>(low >> 48), static_cast<unsigned long long>(low & 0xffffffffffffULL));
    return text;
}

std::unique_ptr<storage::Storage> openMigrated(BackendDatabase& database, int poolSize) {
    auto opened = database.open(poolSize);
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    auto storage = std::move(*opened);
    for (const auto& module : storage->knownMigrations()) {
        auto migrated = storage->migrate(module.module);
        REQUIRE_MESSAGE(migrated.ok(), migrated.error().message);
    }
    return storage;
}

Status createUser(storage::Storage& storage, const storage::UserRecord& user) {
    return storage.run([&](storage::Repositories& repos) { return repos.auth().createUser(user); });
}

Expected<std::optional<storage::UserRecord>> findUserById(storage::Storage& storage, const std::string& id) {
    Expected<std::optional<storage::UserRecord>> found = std::optional<storage::UserRecord>();
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        found = repos.auth().findUserById(id);
        return {};
    });
    if (!status) return std::move(status).error();
    return found;
}

Expected<std::optional<storage::UserRecord>> findUserByUsernameKey(storage::Storage& storage, const std::string& key) {
    Expected<std::optional<storage::UserRecord>> found = std::optional<storage::UserRecord>();
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        found = repos.auth().findUserByUsernameKey(key);
        return {};
    });
    if (!status) return std::move(status).error();
    return found;
}

Expected<std::int64_t> countUsers(storage::Storage& storage) {
    Expected<std::int64_t> count = std::int64_t{0};
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        count = repos.auth().countUsers();
        return {};
    });
    if (!status) return std::move(status).error();
    return count;
}

namespace {

std::string show(const std::string& value) {
    return value.size() <= 120 ? "'" + value + "'" : std::to_string(value.size()) + " bytes";
}
std::string show(bool value) { return value ? "true" : "false"; }
std::string show(const std::optional<std::int64_t>& value) { return value ? std::to_string(*value) : "null"; }

template <typename T>
std::string compare(const char* name, const T& expected, const T& actual) {
    if (expected == actual) return "";
    return std::string(name) + ": expected " + show(expected) + ", got " + show(actual);
}

}  // namespace

std::string describeDifference(const storage::UserRecord& expected, const storage::UserRecord& actual) {
    for (const auto& difference : {
             compare("id", expected.id, actual.id),
             compare("username", expected.username, actual.username),
             compare("usernameKey", expected.usernameKey, actual.usernameKey),
             compare("email", expected.email, actual.email),
             compare("displayName", expected.displayName, actual.displayName),
             compare("bio", expected.bio, actual.bio),
             compare("passwordHash", expected.passwordHash, actual.passwordHash),
             compare("isAdmin", expected.isAdmin, actual.isAdmin),
             compare("disabled", expected.disabled, actual.disabled),
             compare("quotaBytes", expected.quotaBytes, actual.quotaBytes),
             compare("tokenVersion", std::optional(expected.tokenVersion), std::optional(actual.tokenVersion)),
             compare("createdAt", expected.createdAt, actual.createdAt),
             compare("updatedAt", expected.updatedAt, actual.updatedAt),
         }) {
        if (!difference.empty()) return difference;
    }
    return "";
}

}  // namespace obscura::conformance
