#pragma once
// Content-Disposition for downloads (RFC 6266 with RFC 8187's filename*). The header never carries a quote,
// backslash, control character or '%' of the name in its ASCII form, so a hostile name cannot end the
// parameter or add a header. Choosing the name (and making it harmless as a path) is the caller's.
#include <string>
#include <string_view>

namespace obscura {

// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8>` (the ASCII form has
// every other character replaced by '_').
std::string attachmentDisposition(std::string_view fileName);

}  // namespace obscura
