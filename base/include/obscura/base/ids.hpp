#pragma once
#include <string>

namespace obscura {
// A random (version 4) UUID, lower-case. For identifiers, not secrets: tokens use a CSPRNG of their own.
std::string newUuid();
// True for the canonical 8-4-4-4-12 lower- or upper-case hex form.
bool isUuid(const std::string& s);
}  // namespace obscura
