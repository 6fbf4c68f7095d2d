#pragma once
// Shared by every API integration test: the app with cheap argon2id, sign-in, and one-line HTTP calls.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app.hpp"
#include "http_client.hpp"

namespace obscura::test {

inline constexpr const char* kPassword = "correct horse battery";

// Configuration overrides for fast tests: OWASP's minimum argon2id parameters (19 MiB, t=2), plus extra.
std::map<std::string, std::string> fastAuth(std::map<std::string, std::string> extra = {});

// The real app on 127.0.0.1:0 over an existing data dir (restarts, replicas), with fastAuth(extra). With
// OBSCURA_TEST_STORAGE=mysql (and no storage.plugin in extra) it uses one MySQL test database per data dir.
std::unique_ptr<App> startApp(const std::string& dataDir, std::map<std::string, std::string> extra = {});

HeaderList bearer(const std::string& accessToken);
std::string basicAuthorization(const std::string& username, const std::string& password);

HttpResponse postJson(HttpClient& http, const std::string& path, const nlohmann::json& body, HeaderList extra = {});
HttpResponse sendJson(HttpClient& http, const std::string& method, const std::string& path, const nlohmann::json& body,
                      HeaderList extra = {});

// The error body's code ("" when the body is not an error).
std::string errorCode(const HttpResponse& response);
nlohmann::json bodyOf(const HttpResponse& response);

struct Session {
    std::string access;
    std::string refresh;
    nlohmann::json user;
};

// POST /api/auth/register; REQUIREs 201 and answers the user.
nlohmann::json registerUser(HttpClient& http, const std::string& username, const std::string& password = kPassword);
// POST /api/auth/login; REQUIREs 200.
Session login(HttpClient& http, const std::string& username, const std::string& password = kPassword);
// POST /api/admin/users as the admin; REQUIREs 201 and answers the user.
nlohmann::json createUser(HttpClient& http, const std::string& adminAccess, const std::string& username,
                          bool isAdmin = false, const std::string& password = kPassword);
// POST /api/api-keys; REQUIREs 201 and answers {secret, apiKey}.
nlohmann::json createApiKey(HttpClient& http, const std::string& access, const std::string& name);

}  // namespace obscura::test
