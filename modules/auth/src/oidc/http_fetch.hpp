#pragma once
// The OpenID provider over HTTP(S): the one place in the auth module that talks to libcurl (the module never links
// Beast). Blocking, with short timeouts: it runs on the worker thread of the sign-in request that needs it.
// Redirects are not followed and only http and https are spoken; bodies above kMaxBodyBytes are refused.
#include <string>
#include <utility>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::auth {

struct FetchedResponse {
    long status = 0;
    std::string body;
};

using FormFields = std::vector<std::pair<std::string, std::string>>;

class HttpFetch {
public:
    static constexpr std::size_t kMaxBodyBytes = 1 << 20;

    // Unavailable (naming the URL, never a credential) when the provider cannot be reached or answers garbage.
    static Expected<FetchedResponse> get(const std::string& url, const std::string& bearerToken = {});
    // application/x-www-form-urlencoded; Basic authentication when basicUser is not empty.
    static Expected<FetchedResponse> postForm(const std::string& url, const FormFields& fields,
                                              const std::string& basicUser = {}, const std::string& basicPassword = {});
};

// Percent-encoding of everything but RFC 3986's unreserved characters (query values, form fields).
std::string urlEncode(std::string_view text);

}  // namespace obscura::auth
