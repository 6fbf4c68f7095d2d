#pragma once
// Rendered listing pages (GET /api/assets, /api/search, /api/trash), and in an instance of their own the map's
// markers (GET /api/map/markers), kept per owner and request and trusted
// only at the owner's library version they were rendered at (ImagesRepository::libraryVersion). A page that merges
// partners' libraries (withPartners) carries the partner set in its key and the sum of every merged library's
// version as its version (listing_routes.cpp): each version only grows, so the sum does too for one set. A hit costs
// one row read (with partners, one more: the set and its versions) instead of a page of rows and their JSON: the
// listing bench's per-asset work (~4.6 µs each). Exact across replicas: the version lives in the database and is read
// before the page is. A page is also dropped after kMaxAge: the backstop for a write that did not bump the version — on
// MySQL the version is bumped by the repositories, so during a rolling upgrade older replicas still running write
// without it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace obscura::images {

class ListingCache {
public:
    static constexpr std::chrono::seconds kMaxAge{30};
    // Bookkeeping per kept page (list and hash nodes, the key's second copy, the shared_ptr's block), so that
    // many small pages cannot hold several times the budget.
    static constexpr std::size_t kEntryOverhead = 256;
    using Clock = std::chrono::steady_clock;

    // At most maxBytes of keys, bodies and bookkeeping; 0 keeps nothing (and enabled() is false). A page larger
    // than a quarter of it is not kept.
    explicit ListingCache(std::size_t maxBytes);

    // The key of one rendered answer. The owner first: one user's answers never serve another's request. Then the
    // partner libraries merged into it (ending a partnership or a timeline switch changes the key, so no answer
    // outlives what it showed). Then the raw path and query: two spellings of one query are two entries, which
    // costs memory only.
    static std::string key(std::string_view ownerId, const std::vector<std::string>& partnerIds, std::string_view path,
                           std::string_view query);
    bool enabled() const { return maxBytes_ > 0; }

    // The body rendered for key at exactly this version, kept less than kMaxAge; null otherwise. A page of an
    // older version, or too old, is dropped (an owner's version only grows); a newer one is left for others.
    std::shared_ptr<const std::string> find(const std::string& key, std::int64_t version,
                                            Clock::time_point now = Clock::now());
    // Keeps body for key at version, evicting the least recently used pages beyond the budget.
    void store(const std::string& key, std::int64_t version, std::shared_ptr<const std::string> body,
               Clock::time_point now = Clock::now());

    std::size_t bytes() const;
    std::size_t entries() const;

private:
    struct Entry {
        std::string key;
        std::int64_t version = 0;
        std::shared_ptr<const std::string> body;
        Clock::time_point storedAt;
        std::size_t size() const { return key.size() + body->size() + kEntryOverhead; }
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
