#include "images_api.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "app.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/config.hpp"
#include "obscura/storage/storage.hpp"
#include "test_records.hpp"
#include "test_support.hpp"

namespace obscura::test {

Account firstAccount(HttpClient& http, const std::string& username) {
    auto user = registerUser(http, username);
    auto session = login(http, username);
    return {user["id"].get<std::string>(), username, session.access};
}

Account anotherAccount(HttpClient& http, const Account& admin, const std::string& username) {
    auto user = createUser(http, admin.access, username);
    auto session = login(http, username);
    return {user["id"].get<std::string>(), username, session.access};
}

storage::AssetRecord insertAsset(App& app, const std::string& ownerId, std::int64_t takenAtUs,
                                 const std::function<void(storage::AssetRecord&)>& edit) {
    storage::AssetRecord a = makeAsset(ownerId, takenAtUs);
    a.sizeBytes = 1234;
    const std::time_t seconds = static_cast<std::time_t>(takenAtUs / 1000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char month[16];
    std::strftime(month, sizeof month, "%Y/%m", &tm);
    a.storagePath = "library/" + ownerId + "/" + month + "/" + a.id + ".jpg";
    a.exif = R"({"make":"Canon","model":"EOS R5","iso":100})";
    if (edit) edit(a);
    auto created = app.storage().run([&](storage::Repositories& r) { return r.images().createAsset(a); });
    REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message));
    return a;
}

std::vector<std::string> writeAssetFiles(App& app, const storage::AssetRecord& asset) {
    namespace fs = std::filesystem;
    // Put through the store from a file in the data dir's tmp/ (the local store renames it: same file system).
    const std::string tmp = fs::absolute(app.config().getString("server.dataDir")).string() + "/tmp";
    fs::create_directories(tmp);
    const std::string derived = "derived/" + asset.ownerId + "/" + asset.id + "/";
    const std::vector<std::pair<std::string, std::string>> blobs = {{asset.storagePath, "original bytes"},
                                                                    {derived + "thumbnail.webp", "thumb"},
                                                                    {derived + "preview.jpg", "preview"}};
    for (const auto& [key, bytes] : blobs) {
        const std::string file = tmp + "/seed-" + newUuid();
        writeFile(file, bytes);
        auto put = app.blobs().put(key, file, {});
        REQUIRE_MESSAGE(put.ok(), (put.ok() ? "" : put.error().message));
    }
    return {asset.storagePath, derived + "thumbnail.webp", derived};
}

bool exists(App& app, const std::string& key) {
    if (key.empty() || key.back() != '/') return app.blobs().stat(key).ok();
    auto page = app.blobs().list(key, "", 1);
    REQUIRE_MESSAGE(page.ok(), (page.ok() ? "" : page.error().message));
    if (!page->entries.empty()) return true;
    // The local store: the folder itself must be gone too, not only emptied.
    auto folder = app.blobs().localPath(key.substr(0, key.size() - 1));
    struct stat st {};
    return folder && ::lstat(folder->c_str(), &st) == 0;
}

bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
}

std::vector<std::string> idsOf(const nlohmann::json& page) {
    std::vector<std::string> ids;
    for (const auto& item : page["items"]) ids.push_back(item["id"].get<std::string>());
    return ids;
}

std::vector<std::string> allPages(HttpClient& http, const Account& who, const std::string& path) {
    std::vector<std::string> ids;
    std::string cursor;
    const char joiner = path.find('?') == std::string::npos ? '?' : '&';
    for (int guard = 0; guard < 1000; ++guard) {
        auto r = http.get(cursor.empty() ? path : path + joiner + "cursor=" + cursor, who.auth());
        REQUIRE_MESSAGE(r.status == 200, r.body);
        auto page = bodyOf(r);
        for (const auto& id : idsOf(page)) ids.push_back(id);
        if (page["nextCursor"].is_null()) return ids;
        cursor = page["nextCursor"].get<std::string>();
    }
    FAIL("listing did not end");
    return ids;
}

void sharePartner(HttpClient& http, const Account& from, const Account& to, bool inTimeline) {
    auto shared = http.request("POST", "/api/partners/" + to.id, from.auth());
    REQUIRE_MESSAGE(shared.status == 201, shared.body);
    if (!inTimeline) return;
    auto on = sendJson(http, "PUT", "/api/partners/" + from.id, {{"inTimeline", true}}, to.auth());
    REQUIRE_MESSAGE(on.status == 200, on.body);
}

}  // namespace obscura::test
