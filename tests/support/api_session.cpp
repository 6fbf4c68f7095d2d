#include "api_session.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>

#include "mysql_test_database.hpp"
#include "obscura/base/clock.hpp"
#include "s3_test_blobs.hpp"
#include "test_support.hpp"

namespace obscura::test {

std::map<std::string, std::string> fastAuth(std::map<std::string, std::string> extra) {
    std::map<std::string, std::string> o = {{"auth.passwordHashMemoryKib", "19456"},
                                            {"auth.passwordHashIterations", "2"}};
    for (auto& [k, v] : extra) o[k] = v;
    return o;
}

std::unique_ptr<App> startApp(const std::string& dataDir, std::map<std::string, std::string> extra) {
    ConfigSources sources;
    // On MySQL (OBSCURA_TEST_STORAGE=mysql) every start over one data dir finds the same database.
    if (extra.count("storage.plugin") == 0 && storageUnderTest() == "mysql") {
        for (auto& [k, v] : mysqlOverrides(mysqlDatabaseFor(dataDir))) extra.emplace(k, v);
    }
    addBlobOverrides(extra, dataDir);  // OBSCURA_TEST_BLOBS=s3: the same prefix for every start over dataDir
    sources.overrides = fastAuth(std::move(extra));
    sources.overrides.insert({{"server.host", "127.0.0.1"},
                              {"server.port", "0"},
                              {"server.dataDir", dataDir},
                              {"storage.pluginDir", pluginDir()},
                              {"log.level", "warn"}});
    auto config = Config::load(sources);
    REQUIRE_MESSAGE(config.ok(), (config.ok() ? "" : config.error().message));
    static const SystemClock clock;  // outlives every App started here
    auto app = std::make_unique<App>(std::move(*config), clock);
    auto started = app->start();
    REQUIRE_MESSAGE(started.ok(), (started.ok() ? "" : started.error().message));
    return app;
}

HeaderList bearer(const std::string& accessToken) { return {{"Authorization", "Bearer " + accessToken}}; }

std::string basicAuthorization(const std::string& username, const std::string& password) {
    const std::string raw = username + ":" + password;
    std::string b64(4 * ((raw.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
    b64.resize(static_cast<std::size_t>(n));
    return "Basic " + b64;
}

HttpResponse sendJson(HttpClient& http, const std::string& method, const std::string& path, const nlohmann::json& body,
                      HeaderList extra) {
    extra.emplace_back("Content-Type", "application/json");
    return http.request(method, path, extra, body.dump());
}

HttpResponse postJson(HttpClient& http, const std::string& path, const nlohmann::json& body, HeaderList extra) {
    return sendJson(http, "POST", path, body, std::move(extra));
}

nlohmann::json bodyOf(const HttpResponse& response) {
    auto j = nlohmann::json::parse(response.body, nullptr, false);
    return j.is_discarded() ? nlohmann::json() : j;
}

std::string errorCode(const HttpResponse& response) {
    auto j = bodyOf(response);
    if (!j.is_object() || !j.contains("error")) return "";
    return j["error"].value("code", "");
}

nlohmann::json registerUser(HttpClient& http, const std::string& username, const std::string& password) {
    auto r = postJson(http, "/api/auth/register", {{"username", username}, {"password", password}});
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r);
}

Session login(HttpClient& http, const std::string& username, const std::string& password) {
    auto r = postJson(http, "/api/auth/login", {{"username", username}, {"password", password}});
    REQUIRE_MESSAGE(r.status == 200, r.body);
    auto j = bodyOf(r);
    return Session{j["accessToken"], j["refreshToken"], j["user"]};
}

nlohmann::json createUser(HttpClient& http, const std::string& adminAccess, const std::string& username, bool isAdmin,
                          const std::string& password) {
    auto r = postJson(http, "/api/admin/users", {{"username", username}, {"password", password}, {"isAdmin", isAdmin}},
                      bearer(adminAccess));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r);
}

nlohmann::json createApiKey(HttpClient& http, const std::string& access, const std::string& name) {
    auto r = postJson(http, "/api/api-keys", {{"name", name}}, bearer(access));
    REQUIRE_MESSAGE(r.status == 201, r.body);
    return bodyOf(r);
}

}  // namespace obscura::test
