#pragma once
// A real SQLite storage in a temp dir with every module's tables, loaded through the plugin the way the server
// loads it: service unit tests run their rules and transactions against the same SQL the server runs, without
// HTTP around them.
#include <memory>
#include <string>

#include "obscura/storage/storage.hpp"
#include "test_records.hpp"
#include "test_support.hpp"

namespace obscura::test {

class SqliteTestStorage {
public:
    SqliteTestStorage();
    ~SqliteTestStorage();

    storage::Storage& storage() { return *storage_; }
    const std::string& dataDir() const { return dir_.path(); }

    // Stores test_records.hpp's makeUser(tag) and answers the user's id.
    std::string createUser(const std::string& tag);
    // Stores test_records.hpp's makeAsset (a live JPEG of ownerId) and answers it.
    storage::AssetRecord createAsset(const std::string& ownerId, std::int64_t takenAtUs = kJuly2021Us);
    // Moves the owner's asset to the trash.
    void trash(const std::string& ownerId, const std::string& assetId);

private:
    TempDir dir_;
    std::unique_ptr<storage::Storage> storage_;
};

}  // namespace obscura::test
