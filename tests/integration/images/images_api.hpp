#pragma once
// Helpers for the images integration tests: accounts, assets inserted through the repository (the upload
// route is another suite's), files at an asset's paths, and waiting for asynchronous work (jobs, events).
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_session.hpp"
#include "app_fixture.hpp"
#include "obscura/storage/asset_records.hpp"
#include "test_records.hpp"

namespace obscura::test {

struct Account {
    std::string id;
    std::string username;
    std::string access;
    HeaderList auth() const { return bearer(access); }
};

// The first account registers (and becomes admin); others are created by that admin.
Account firstAccount(HttpClient& http, const std::string& username);
Account anotherAccount(HttpClient& http, const Account& admin, const std::string& username);

// A fresh app with three accounts: alice (the first, an admin), bob and carol.
struct Family {
    AppFixture fx{fastAuth()};
    HttpClient http{fx.port()};
    Account alice = firstAccount(http, "alice");
    Account bob = anotherAccount(http, alice, "bob");
    Account carol = anotherAccount(http, alice, "carol");
};

// `from` shares their library with `to` (REQUIREs 201); with inTimeline, `to` then puts it in their timeline.
void sharePartner(HttpClient& http, const Account& from, const Account& to, bool inTimeline = false);

// kJuly2021Us (2021-07-04T10:20:30Z in UTC microseconds): test_records.hpp.
inline constexpr std::int64_t kDayUs = 86400LL * 1000000;

// A live image of owner taken at takenAtUs, as the upload would store it; edit adjusts it before insertion.
storage::AssetRecord insertAsset(App& app, const std::string& ownerId, std::int64_t takenAtUs = kJuly2021Us,
                                 const std::function<void(storage::AssetRecord&)>& edit = {});

// Puts the asset's original and two derivatives (thumbnail.webp, preview.jpg) into the app's blob store, whatever
// blobs.plugin is; answers their keys: the original, the thumbnail, and the derivatives' prefix
// ("derived/<owner>/<asset>/").
std::vector<std::string> writeAssetFiles(App& app, const storage::AssetRecord& asset);
// Whether the app's store holds the key, or anything under a prefix ending in '/' (on the local store a prefix's
// folder counts even when empty: the deletion removes folders too).
bool exists(App& app, const std::string& key);

// Polls until pred holds or the timeout passes; answers pred's last value.
bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The ids of a listing page's items, in order.
std::vector<std::string> idsOf(const nlohmann::json& page);

// Follows nextCursor from the first page of path (which may carry a query) to the end; answers all ids.
std::vector<std::string> allPages(HttpClient& http, const Account& who, const std::string& path);

}  // namespace obscura::test
