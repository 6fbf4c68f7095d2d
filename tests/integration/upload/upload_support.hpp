#pragma once
// Helpers for the upload and download tests: accounts, multipart bodies built by hand (so malformed ones are
// as easy to make as good ones), and looking at what the data dir holds.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api_session.hpp"
#include "media_fixtures.hpp"
#include "test_support.hpp"

namespace obscura::test {

using Fixtures = obscura::images::test::MediaFixtures;

inline constexpr const char* kBoundary = "obscura-upload-test-7d9a";
std::string formContentType(const std::string& boundary = kBoundary);
std::string formField(const std::string& name, const std::string& value, const std::string& boundary = kBoundary);
// A file part. `disposition` replaces the whole Content-Disposition value when given.
std::string formFile(const std::string& name, const std::string& fileName, const std::string& bytes,
                     const std::string& boundary = kBoundary, const std::string& disposition = "");
std::string formEnd(const std::string& boundary = kBoundary);

struct User {
    std::string id;
    std::string username;
    std::string access;
    HeaderList auth() const { return bearer(access); }
};
// The first user registers and is the admin; the others are made by the admin.
User firstUser(HttpClient& http, const std::string& username = "alice");
User otherUser(HttpClient& http, const User& admin, const std::string& username);

// PATCH /api/admin/users/{user}: the user's quotaBytes, set by the admin; REQUIREs 200.
void setQuota(HttpClient& http, const User& admin, const User& user, std::int64_t bytes);

// POST /api/assets with a ready-made multipart body.
HttpResponse postForm(HttpClient& http, const User& user, const std::string& body, HeaderList extra = {});
// One file as assetData, with optional fields before it.
HttpResponse upload(HttpClient& http, const User& user, const std::string& fileName, const std::string& bytes,
                    const std::vector<std::pair<std::string, std::string>>& fields = {});

// Polls until pred holds or the timeout passes; answers pred's last value.
bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Regular files under dir, as paths relative to it, sorted. Empty when dir does not exist.
std::vector<std::string> filesUnder(const std::string& dir);
// filesUnder(tmpDir) without the copies of stored originals the server keeps on purpose for its media jobs
// (RecentBlobCopies' "recent-*" links, remote stores only): what a failed or finished upload must not leave.
std::vector<std::string> leftoverTempFiles(const std::string& tmpDir);
// Only those kept copies.
std::vector<std::string> keptRecentCopies(const std::string& tmpDir);

// The real binary serving a data dir (cheap argon2id, info log, plus `env`), restarted at will.
struct BinaryServer {
    std::string dataDir;
    std::map<std::string, std::string> env;
    std::unique_ptr<ServerProcess> process;
    BinaryServer(const std::string& dir, std::map<std::string, std::string> extraEnv = {});
    void restart();
    void stop();  // SIGTERM, exit 0
    void kill();  // SIGKILL
};
// The environment BinaryServer runs with: cheap argon2id and info logs, then `extra`.
std::map<std::string, std::string> binaryEnv(std::map<std::string, std::string> extra = {});
// `obscura fsck --data-dir dataDir flags…` with that environment.
RunResult fsckRun(const std::string& dataDir, const std::map<std::string, std::string>& env,
                  std::vector<std::string> flags = {});
bool contains(const std::string& haystack, const std::string& needle);

// filesUnder for the app's blob store, whichever it is: the keys under `folder` ("library/<user>", "" for all),
// relative to it, sorted.
std::vector<std::string> blobsUnder(App& app, const std::string& folder);
// A blob's bytes ("" when it is missing).
std::string blobBytes(App& app, const std::string& key);
// Stores bytes under key through the app's store, as a writer of the server would.
void putBlob(App& app, const std::string& key, const std::string& bytes);

}  // namespace obscura::test
