#pragma once
// The auth middleware: turns a request's credential into a principal for the HTTP layer. In order of
// precedence: Authorization: Bearer <access token>, x-api-key: <secret>, cookie obscura_access. Each
// credential is verified, then its user loaded (one indexed lookup) and required to exist, not be disabled
// and, for access tokens, to still be on the token version the token was issued under.
#include <memory>
#include <string>

#include "obscura/base/clock.hpp"
#include "obscura/kernel/authenticator.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::auth {

class JwtCodec;

class RequestAuthenticator final : public Authenticator {
public:
    RequestAuthenticator(storage::Storage& storage, std::shared_ptr<const JwtCodec> jwt, std::string publicUrl,
                         const Clock& clock);
    Expected<Principal> authenticate(const Request& request) override;

private:
    Expected<Principal> fromAccessToken(std::string_view token, Principal::Via via);
    Expected<Principal> fromApiKey(std::string_view secret);

    storage::Storage& storage_;
    std::shared_ptr<const JwtCodec> jwt_;
    std::string publicUrl_;
    const Clock& clock_;
};

}  // namespace obscura::auth
