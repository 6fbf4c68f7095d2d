#pragma once
// Valid records with unique ids, checksums and paths, for tests that write straight into a storage: the
// storage conformance suite and the services' unit tests.
#include <cstdint>
#include <string>

#include "obscura/storage/storage.hpp"

namespace obscura::test {

// 2021-07-04T10:20:30Z as UTC microseconds: the default takenAt of makeAsset.
inline constexpr std::int64_t kJuly2021Us = 1625394030LL * 1000000;

// "2021-07-04T10:20:30Z" for a UTC microsecond time (whole seconds).
std::string utcText(std::int64_t us);

// A random 40-hex SHA-1-shaped checksum.
std::string randomChecksum();

// A valid user whose id, username and usernameKey are unique; `tag` shows in the username for debugging.
storage::UserRecord makeUser(const std::string& tag);

// A valid live image of owner taken at takenAtUs (UTC text), with a unique id, checksum and storage path.
storage::AssetRecord makeAsset(const std::string& ownerId, std::int64_t takenAtUs = kJuly2021Us);

}  // namespace obscura::test
