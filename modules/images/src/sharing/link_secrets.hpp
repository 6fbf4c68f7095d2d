#pragma once
// The secrets of share links: the key in the URL (160 random bits, base64url), the hash it is looked up by,
// and the unlock cookie's value. Comparisons of secrets are constant-time.
#include <string>
#include <string_view>

namespace obscura::images {

// 20 bytes (160 bits) from the system CSPRNG, base64url without padding (27 characters).
std::string newLinkKey();
// SHA-256 of the key, lower-case hex: the database is searched by this, never by the key itself, so no
// lookup's timing depends on how much of a guessed key is right.
std::string linkKeyHash(std::string_view key);
// The value of the unlock cookie of a link with a password: an HMAC-SHA-256 of the link's id under its stored
// password hash (which holds a random salt and never leaves the server). Changing the password or deleting
// the link makes every cookie worthless.
std::string unlockToken(std::string_view linkId, std::string_view passwordHash);
bool equalSecrets(std::string_view a, std::string_view b);

}  // namespace obscura::images
