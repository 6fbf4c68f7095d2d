#include "assets/listing_params.hpp"

#include <doctest/doctest.h>

#include "assets/asset_cursor.hpp"

using namespace obscura;
using namespace obscura::images;

namespace {

Expected<storage::AssetQuery> parse(const std::string& query, Listing listing = Listing::Assets) {
    Request req;
    req.query = query;
    req.queryParams = parseQuery(query);
    return parseListing(req, "owner-1", listing);
}

}  // namespace

TEST_SUITE("images.listing_params") {
    TEST_CASE("defaults: 100 newest first, live and not archived, owner from the caller") {
        auto q = parse("");
        REQUIRE(q.ok());
        CHECK(q->filter.ownerId == "owner-1");
        CHECK(q->limit == 100);
        CHECK(q->order == storage::SortOrder::Desc);
        CHECK_FALSE(q->after.has_value());
        CHECK(q->filter.archived == false);
        CHECK_FALSE(q->filter.trashed);
        CHECK_FALSE(q->filter.favorite.has_value());
        CHECK_FALSE(q->filter.q.has_value());
    }

    TEST_CASE("every parameter reaches the query") {
        const auto cursor = encodeCursor({42, "3f0c6f4e-0000-4000-8000-00000000000a"});
        auto q =
            parse("limit=500&cursor=" + cursor +
                  "&order=asc&from=2021-07-04T10:20:30%2B02:00&to=2021-08-01T00:00:00Z&tag=beach"
                  "&albumId=3f0c6f4e-0000-4000-8000-00000000000b&favorite=true&archived=true&type=video&q=sun+set");
        REQUIRE_MESSAGE(q.ok(), q.error().message);
        CHECK(q->limit == 500);
        REQUIRE(q->after);
        CHECK(q->after->takenAtUs == 42);
        CHECK(q->order == storage::SortOrder::Asc);
        CHECK(q->filter.fromUs == 1625386830LL * 1000000);
        CHECK(q->filter.toUs == 1627776000LL * 1000000);
        CHECK(q->filter.tag == "beach");
        CHECK(q->filter.albumId == "3f0c6f4e-0000-4000-8000-00000000000b");
        CHECK(q->filter.favorite == true);
        CHECK(q->filter.archived == true);
        CHECK(q->filter.type == "video");
        CHECK(q->filter.q == "sun set");
    }

    TEST_CASE("trash, search and timeline differ only where they must") {
        auto trash = parse("", Listing::Trash);
        REQUIRE(trash.ok());
        CHECK(trash->filter.trashed);
        CHECK_FALSE(trash->filter.archived.has_value());
        CHECK(parse("archived=false", Listing::Trash)->filter.archived == false);
        CHECK_FALSE(parse("", Listing::Search).ok());
        CHECK_FALSE(parse("q=", Listing::Search).ok());
        CHECK(parse("q=x", Listing::Search).ok());
        CHECK_FALSE(parse("q=", Listing::Assets)->filter.q.has_value());
        // The timeline ignores paging parameters rather than refusing them.
        CHECK(parse("limit=9999&cursor=junk", Listing::Timeline).ok());
    }

    TEST_CASE("bad values and repeated parameters are BadRequest") {
        for (const char* bad :
             {"limit=0", "limit=501", "limit=01x", "limit=99999", "limit=", "cursor=zz", "order=ASC", "from=2021-07-04",
              "to=2021-07-04T10:20:30", "favorite=1", "archived=no", "type=Image", "tag=", "albumId=x",
              "limit=1&limit=1", "tag=a&tag=b", "q=a+b+c+d+e+f+g+h+i+j+k+l+m+n+o+p+q"}) {
            auto q = parse(bad);
            REQUIRE_FALSE_MESSAGE(q.ok(), bad);
            CHECK(q.error().code == ErrorCode::BadRequest);
        }
        CHECK_FALSE(parse("q=" + std::string(257, 'x')).ok());
        CHECK(parse("q=" + std::string(256, 'x')).ok());
        CHECK(parse("unknown=1&limit=7")->limit == 7);
    }

    TEST_CASE("withPartners: off by default, true or false, refused beside what only the owner's library has") {
        const auto withPartners = [](const std::string& query, Listing listing = Listing::Assets) {
            Request req;
            req.query = query;
            req.queryParams = parseQuery(query);
            auto parsed = parseListing(req, "owner-1", listing);
            REQUIRE(parsed.ok());
            return parseWithPartners(req, *parsed);
        };
        CHECK(withPartners("").value() == false);
        CHECK(withPartners("withPartners=false").value() == false);
        CHECK(withPartners("withPartners=true").value() == true);
        CHECK(withPartners("withPartners=true&archived=false&type=video&tag=x").value() == true);
        CHECK(withPartners("withPartners=true", Listing::Timeline).value() == true);
        CHECK(withPartners("withPartners=true&q=sun", Listing::Search).value() == true);
        for (const char* refused :
             {"withPartners=yes", "withPartners=true&withPartners=true", "withPartners=true&favorite=false",
              "withPartners=true&archived=true", "withPartners=true&albumId=3f0c6f4e-0000-4000-8000-00000000000b"}) {
            CAPTURE(refused);
            auto answer = withPartners(refused);
            REQUIRE_FALSE(answer.ok());
            CHECK(answer.error().code == ErrorCode::BadRequest);
        }
        CHECK_FALSE(withPartners("withPartners=true", Listing::Trash).ok());
        CHECK(withPartners("favorite=true").value() == false);  // without partners nothing is refused
    }
}
