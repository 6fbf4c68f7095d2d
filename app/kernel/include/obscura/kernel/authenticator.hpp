#pragma once
#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura {

// Turns a request's credentials (bearer token, x-api-key, session cookie) into a principal.
// The auth module registers the implementation in the ServiceRegistry; until one exists every
// non-anonymous route answers 401. Unauthenticated errors carry the message to show, never the credential.
class Authenticator {
public:
    virtual ~Authenticator() = default;
    virtual Expected<Principal> authenticate(const Request& request) = 0;
};

}  // namespace obscura
