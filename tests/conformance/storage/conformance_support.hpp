#pragma once
// Helpers the conformance cases share: unique records, migrated storages, one-call repository access.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "backend_context.hpp"
#include "obscura/storage/records.hpp"
#include "obscura/storage/storage.hpp"
#include "test_records.hpp"

namespace obscura::conformance {

// A random version-4 UUID: unique across runs, so cases can share a database that is never emptied.
std::string newUuid();

// A valid user whose id, username and usernameKey are unique (tests/support/test_records.hpp).
using test::makeUser;

// Opens the database and migrates every module the plugin knows, in its listed order (REQUIREs success).
std::unique_ptr<storage::Storage> openMigrated(BackendDatabase& database, int poolSize = 8);

// One repository call through run(), for cases that do not test transactions.
Status createUser(storage::Storage& storage, const storage::UserRecord& user);
Expected<std::optional<storage::UserRecord>> findUserById(storage::Storage& storage, const std::string& id);
Expected<std::optional<storage::UserRecord>> findUserByUsernameKey(storage::Storage& storage, const std::string& key);
Expected<std::int64_t> countUsers(storage::Storage& storage);

// Runs fn(repos.auth()) through run() and hands back what it answered (or run()'s own error).
template <typename Fn>
auto withAuth(storage::Storage& storage, Fn&& fn) -> decltype(fn(std::declval<storage::AuthRepository&>())) {
    using Result = decltype(fn(std::declval<storage::AuthRepository&>()));
    std::optional<Result> result;
    Status status = storage.run([&](storage::Repositories& repos) -> Status {
        result.emplace(fn(repos.auth()));
        return {};
    });
    if (!status) return std::move(status).error();
    return std::move(*result);
}

// Field-by-field comparison with a readable message for the first field that differs ("" when equal).
std::string describeDifference(const storage::UserRecord& expected, const storage::UserRecord& actual);

}  // namespace obscura::conformance
