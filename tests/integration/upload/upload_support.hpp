#pragma once
// Helpers for the upload and download tests: accounts, multipart bodies built by hand (so malformed ones are
// as easy to make as good ones), and looking at what the data dir holds.
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api_session.hpp"
#include "media_fixtures.hpp"

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

}  // namespace obscura::test
