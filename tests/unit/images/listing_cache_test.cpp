// The rendered-page cache's own rules: a page is answered only at the version it was rendered at, the budget
// holds (least recently used pages go first), and a page too big for it is never kept.
#include "assets/listing_cache.hpp"

#include <doctest/doctest.h>

using obscura::images::ListingCache;

namespace {

std::shared_ptr<const std::string> page(std::size_t bytes, char fill = 'x') {
    return std::make_shared<const std::string>(bytes, fill);
}

}  // namespace

TEST_SUITE("images.listing_cache") {
    TEST_CASE("a page is answered at the version it was rendered at, and dropped once the version moves") {
        ListingCache cache(1 << 20);
        cache.store("alice\n/api/assets?", 7, page(100, 'a'));
        auto hit = cache.find("alice\n/api/assets?", 7);
        REQUIRE(hit);
        CHECK(*hit == std::string(100, 'a'));
        CHECK_FALSE(cache.find("bob\n/api/assets?", 7));
        CHECK_FALSE(cache.find("alice\n/api/assets?", 8));
        CHECK(cache.entries() == 0);  // the stale page went with the miss
        CHECK_FALSE(cache.find("alice\n/api/assets?", 7));
    }

    TEST_CASE("a request that read an older version misses without dropping the newer page") {
        ListingCache cache(1 << 20);
        cache.store("k", 9, page(10, 'n'));
        CHECK_FALSE(cache.find("k", 8));
        REQUIRE(cache.find("k", 9));
    }

    TEST_CASE("a page is trusted for kMaxAge at most, even at its version") {
        ListingCache cache(1 << 20);
        const auto t0 = ListingCache::Clock::now();
        cache.store("k", 3, page(10), t0);
        CHECK(cache.find("k", 3, t0 + ListingCache::kMaxAge - std::chrono::seconds(1)));
        CHECK_FALSE(cache.find("k", 3, t0 + ListingCache::kMaxAge));
        CHECK(cache.entries() == 0);
    }

    TEST_CASE("two renders racing keep the newer version's page") {
        ListingCache cache(1 << 20);
        cache.store("k", 9, page(10, 'n'));
        cache.store("k", 8, page(10, 'o'));  // rendered from an older read, stored last
        REQUIRE(cache.find("k", 9));
        CHECK(*cache.find("k", 9) == std::string(10, 'n'));
        cache.store("k", 10, page(10, 'm'));
        CHECK(*cache.find("k", 10) == std::string(10, 'm'));
        CHECK(cache.entries() == 1);
    }

    TEST_CASE("the byte budget holds: the least recently used pages are evicted first") {
        // Four pages of 900 bytes fit (each also counts its key and kEntryOverhead), a fifth does not.
        const std::size_t budget = 4 * (1 + 900 + ListingCache::kEntryOverhead) + 100;
        ListingCache cache(budget);
        cache.store("a", 1, page(900));
        cache.store("b", 1, page(900));
        cache.store("c", 1, page(900));
        REQUIRE(cache.find("a", 1));  // a is now the most recently used
        cache.store("d", 1, page(900));
        cache.store("e", 1, page(900));  // over budget: b (least recent) goes, then nothing else needs to
        CHECK(cache.bytes() <= budget);
        CHECK_FALSE(cache.find("b", 1));
        CHECK(cache.find("a", 1));
        CHECK(cache.find("e", 1));
        CHECK(cache.entries() == 4);
    }

    TEST_CASE("a page larger than a quarter of the budget, or any page with the cache off, is not kept") {
        ListingCache cache(4000);
        cache.store("big", 1, page(1001 - ListingCache::kEntryOverhead));
        CHECK_FALSE(cache.find("big", 1));
        CHECK(cache.bytes() == 0);
        cache.store("fits", 1, page(700));
        CHECK(cache.find("fits", 1));
        ListingCache off(0);
        CHECK_FALSE(off.enabled());
        off.store("k", 1, page(1));
        CHECK_FALSE(off.find("k", 1));
    }

    TEST_CASE("a key tells apart the owner, the partner libraries merged in and the request") {
        const std::vector<std::string> none, bob{"bob"}, bobCarol{"bob", "carol"};
        const auto key = ListingCache::key("alice", none, "/api/map/markers", "isFavorite=true");
        CHECK(key == ListingCache::key("alice", none, "/api/map/markers", "isFavorite=true"));
        CHECK(key != ListingCache::key("bob", none, "/api/map/markers", "isFavorite=true"));
        CHECK(key != ListingCache::key("alice", bob, "/api/map/markers", "isFavorite=true"));
        CHECK(ListingCache::key("alice", bob, "/api/map/markers", "") !=
              ListingCache::key("alice", bobCarol, "/api/map/markers", ""));
        CHECK(key != ListingCache::key("alice", none, "/api/map/markers", "isFavorite=false"));
        CHECK(key != ListingCache::key("alice", none, "/api/assets", "isFavorite=true"));
    }
}
