#pragma once
// What SQL engines really spell differently, with portable defaults (standard SQL / SQLite / PostgreSQL
// spelling); a plugin derives from Dialect and overrides what its engine does otherwise. See sql_session.hpp.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/storage/asset_records.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

struct FilterSql;

class Dialect {
public:
    virtual ~Dialect() = default;

    std::string_view name;  // "sqlite", "mysql": error messages say "storage <name>: …"

    // Locking reads. A database that serialises writers (SQLite's one write lock) needs neither.
    std::string_view forUpdate;         // " FOR UPDATE"
    std::string_view skipLocked;        // " FOR UPDATE SKIP LOCKED": claimers pass each other's rows
    std::string_view greatest = "max";  // the two-argument maximum: max() in SQLite, GREATEST() elsewhere
    // (a, b) < (?, ?) becomes an index range; where it does not, the keyset is spelled out.
    bool rowValueKeyset = true;
    // A multi-statement write inside the caller's transaction runs under a savepoint, so a failure undoes only
    // that write and the transaction stays usable. Without: the statement that can fail comes first.
    bool savepoints = true;
    // Times a transaction of atomically()'s own runs when the server picks it as a deadlock victim.
    int ownTransactionAttempts = 1;
    // Times Storage::transaction() runs a callback whose transaction the server aborted with this code.
    virtual int transactionAttempts(int abortCode) const {
        (void)abortCode;
        return 1;
    }
    // jobs.dedupe_key holds NULL for "no key" (a unique key that ignores NULLs) instead of '' (partial index).
    bool nullDedupeKey = false;
    std::string_view lastInsertId = "SELECT last_insert_rowid()";
    // A tag longer than this (characters) is Invalid before it reaches an index that would refuse it; 0 = none.
    std::size_t maxTagChars = 0;

    // Upsert: "INSERT … VALUES (…)" + onConflict("owner_id") + "bytes = bytes + " + inserted("bytes").
    virtual std::string onConflict(std::string_view key) const {
        return " ON CONFLICT (" + std::string(key) + ") DO UPDATE SET ";
    }
    virtual std::string inserted(std::string_view column) const { return "excluded." + std::string(column); }
    // An INSERT that skips a row whose key is taken (rows affected 0): "INSERT OR IGNORE", "INSERT IGNORE".
    std::string_view insertIgnore = "INSERT OR IGNORE";
    std::string_view shareLock;  // " LOCK IN SHARE MODE": a read that keeps the row from being deleted

    // ---- Tag rows (asset_tags): how a row points at its asset and how two spellings of one tag compare.
    std::string_view tagJoin = "asset_tags AS t JOIN assets AS a ON a.id = t.asset_id";
    std::string_view tagKeyColumn = "t.tag";  // compared with tagKey(tag); grouped by in tags()
    virtual std::string tagKey(std::string_view tag) const { return std::string(tag); }
    virtual void insertTags(Session& s, std::int64_t seq, const std::string& assetId, const std::string& ownerId,
                            std::int64_t takenAtUs, const std::vector<std::string>& tags) const = 0;
    virtual void deleteTags(Session& s, std::int64_t seq, const std::string& assetId) const = 0;
    virtual void moveTags(Session& s, std::int64_t seq, const std::string& assetId, std::int64_t takenAtUs) const = 0;

    // ---- Search (AssetFilter::q).
    virtual std::vector<std::string> searchWords(std::string_view q) const = 0;
    // Adds the search condition for filter.q (its words non-empty) to sql. May instead make the search drive
    // the query (set sql.from/where before anything else was added): called first with drive = true, and
    // answering true takes that path.
    virtual bool searchFilter(Session& s, const storage::AssetFilter& filter, const std::vector<std::string>& words,
                              FilterSql& sql, bool drive) const = 0;
    // A condition on one row of `a` (all of assets' columns) that holds when it matches every word, decided for
    // that row alone (from its columns, or by a probe keyed by it), i.e. without first building the set of all
    // matches; its parameters are appended to params.
    // Lets a page for a word most of the library holds stop after the page's rows (sql_asset_listing.cpp).
    // False where the dialect has none.
    virtual bool searchRowTest(const storage::AssetFilter& /*filter*/, const std::vector<std::string>& /*words*/,
                               std::string& /*condition*/, std::vector<storage::Value>& /*params*/) const {
        return false;
    }
    // Keeps the search index in step with an asset's searchable text (a no-op where triggers do it).
    virtual void indexAsset(Session& s, std::int64_t seq, const storage::AssetRecord& asset, bool fresh) const = 0;
    virtual void reindexAsset(Session& s, std::int64_t seq) const = 0;
};

}  // namespace obscura::sql
