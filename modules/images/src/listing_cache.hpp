#pragma once
// Rendered listing pages (GET /api/assets, /api/search, /api/trash), kept per owner and request and trusted
// only at the owner's library version they were rendered at (ImagesRepository::libraryVersion). A hit costs
// one row read instead of a page of rows and their JSON: the listing bench's per-asset work (~4.6 µs each).
// Exact across replicas: the version lives in the database and is read before the page is.
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace obscura::images {

class ListingCache {
public:
    // At most maxBytes of keys and bodies; 0 keeps nothing. A page larger than a quarter of it is not kept.
    explicit ListingCache(std::size_t maxBytes);

    // The body rendered for key at exactly this version; null when absent or rendered at another version
    // (which is dropped: an owner's version only grows).
    std::shared_ptr<const std::string> find(const std::string& key, std::int64_t version);
    // Keeps body for key at version, evicting the least recently used pages beyond the budget.
    void store(const std::string& key, std::int64_t version, std::shared_ptr<const std::string> body);

    std::size_t bytes() const;
    std::size_t entries() const;

private:
    struct Entry {
        std::string key;
        std::int64_t version = 0;
        std::shared_ptr<const std::string> body;
        std::size_t size() const { return key.size() + body->size(); }
    };
    using List = std::list<Entry>;

    void eraseLocked(List::iterator it);

    const std::size_t maxBytes_;
    mutable std::mutex mutex_;
    List lru_;  // most recently used first
    std::unordered_map<std::string, List::iterator> index_;
    std::size_t bytes_ = 0;
};

}  // namespace obscura::images
