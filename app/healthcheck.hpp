#pragma once
#include <string>

namespace obscura {
// GET url (http://host:port/path) with a 5 s deadline; true on a 2xx status. `obscura healthcheck` and the
// container's HEALTHCHECK use it, so it needs nothing but a socket.
bool httpHealthcheck(const std::string& url, std::string& detail);
}  // namespace obscura
