#pragma once
// What an OIDC sign-in reads from the provider's claims: whether the e-mail is verified, admin rights and a quota
// when configured, and a username for a new account. Pure functions, unit-tested.
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace obscura::auth {

// The claim named `name`: a top-level member of that exact name, else a dotted path into nested objects
// (Keycloak's "realm_access.roles").
const nlohmann::json* findClaim(const nlohmann::json& claims, std::string_view name);

// email_verified is true (some providers send the string "true").
bool emailVerified(const nlohmann::json& claims);

// adminClaim "name": the claim is true; "name=value": the claim equals value or is a list holding it. nullopt when
// adminClaim is empty (admin rights are not taken from claims).
std::optional<bool> adminFromClaims(const nlohmann::json& claims, std::string_view adminClaim);

// The quota claim as bytes (a non-negative integer, or a string of digits); nullopt when quotaClaim is empty or
// the claim is absent or unusable.
std::optional<std::int64_t> quotaFromClaims(const nlohmann::json& claims, std::string_view quotaClaim);

// A valid username (3-32 of a-z A-Z 0-9 . _ -) from preferred_username, else the e-mail's local part, else
// "user"; `attempt` > 0 adds a suffix for a name already taken.
std::string usernameFromClaims(const nlohmann::json& claims, int attempt);

}  // namespace obscura::auth
