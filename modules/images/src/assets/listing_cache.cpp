#include "assets/listing_cache.hpp"

namespace obscura::images {

ListingCache::ListingCache(std::size_t maxBytes) : maxBytes_(maxBytes) {}

std::string ListingCache::key(std::string_view ownerId, const std::vector<std::string>& partnerIds,
                              std::string_view path, std::string_view query) {
    std::string key;
    key.reserve(ownerId.size() + path.size() + query.size() + 2 + partnerIds.size() * 37);
    key.append(ownerId).append(1, '\n');
    for (const auto& partner : partnerIds) key.append(partner).append(1, ',');
    key.append(path).append(1, '?').append(query);
    return key;
}

std::shared_ptr<const std::string> ListingCache::find(const std::string& key, std::int64_t version,
                                                      Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    const Entry& entry = *found->second;
    if (entry.version > version) return nullptr;  // rendered after this request's read: right for later ones
    if (entry.version < version || now - entry.storedAt >= kMaxAge) {
        eraseLocked(found->second);
        return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, found->second);
    return found->second->body;  // the caller copies it outside the lock
}

void ListingCache::store(const std::string& key, std::int64_t version, std::shared_ptr<const std::string> body,
                         Clock::time_point now) {
    if (!body) return;
    const std::size_t size = key.size() + body->size() + kEntryOverhead;
    if (size > maxBytes_ / 4) return;
    std::lock_guard lock(mutex_);
    if (auto found = index_.find(key); found != index_.end()) {
        // Two requests that missed together both render: keep the newer version's page.
        if (found->second->version > version) return;
        eraseLocked(found->second);
    }
    while (!lru_.empty() && bytes_ + size > maxBytes_) eraseLocked(std::prev(lru_.end()));
    lru_.push_front(Entry{key, version, std::move(body), now});
    index_.emplace(key, lru_.begin());
    bytes_ += size;
}

std::size_t ListingCache::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

std::size_t ListingCache::entries() const {
    std::lock_guard lock(mutex_);
    return lru_.size();
}

void ListingCache::eraseLocked(List::iterator it) {
    bytes_ -= it->size();
    index_.erase(it->key);
    lru_.erase(it);
}

}  // namespace obscura::images
