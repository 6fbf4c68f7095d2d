#pragma once
// The real OpenID provider of the OIDC tests (tests/support/oidc_provider/provider.mjs: panva's oidc-provider on
// Node 22, installed into the build tree by the oidc_provider_install CTest fixture), started once per test binary
// and reconfigured per case through its /test/* routes; and a cookie-keeping HTTP client that walks the sign-in
// like a browser, hop by hop (libcurl, redirects not followed, so every hop can be looked at).
#include <curl/curl.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace obscura::test {

class TestOidcProvider {
public:
    // The binary's provider, started on first use (REQUIREs that it starts).
    static TestOidcProvider& shared();

    std::string issuer() const { return "http://127.0.0.1:" + std::to_string(port_); }
    // A fresh provider instance: one client redirecting to the app on appPort, signing with `keys` ("a", "b", "ec").
    void configure(int appPort, std::vector<std::string> keys = {"a"});
    void setAccounts(const nlohmann::json& accounts);
    // The id_token of the next token response is altered (provider.mjs lists the modes).
    void tamperNext(const std::string& mode);
    int jwksRequests();

    static constexpr const char* kClientId = "obscura-test";
    static constexpr const char* kClientSecret = "obscura-test-secret-0123456789";

    ~TestOidcProvider();

private:
    TestOidcProvider();
    void post(const std::string& path, const nlohmann::json& body);

    TempDir dir_;
    std::unique_ptr<ServerProcess> process_;
    int port_ = 0;
};

struct Hop {
    std::string url;
    long status = 0;
    std::string location;  // absolute
    std::string body;
};

class BrowserClient {
public:
    BrowserClient();
    ~BrowserClient();
    BrowserClient(const BrowserClient&) = delete;
    BrowserClient& operator=(const BrowserClient&) = delete;

    Hop get(const std::string& url, const std::vector<std::string>& headers = {});
    Hop postForm(const std::string& url, const std::string& form);
    // The cookie of that name the client holds now, if any.
    std::optional<std::string> cookie(const std::string& name) const;

    // Follows the sign-in from the app's /api/oauth/authorize through the provider's login form (as `account`) up to
    // the provider's redirect back: answers that callback URL, not yet visited.
    std::string walkToCallback(int appPort, const std::string& account);
    // walkToCallback, then the callback itself.
    Hop signIn(int appPort, const std::string& account);

private:
    Hop perform(const std::string& url, const std::string* form, const std::vector<std::string>& headers);
    CURL* curl_;
};

// A query parameter of a URL ("" when absent); and the URL without it.
std::string queryValue(const std::string& url, const std::string& name);
std::string withoutQueryParam(const std::string& url, const std::string& name);

}  // namespace obscura::test
