#pragma once
// Content-Disposition for downloads (RFC 6266 with RFC 8187's filename*): the client's original file name,
// made harmless. The header never carries a quote, backslash, control character or path separator of the
// name, so a hostile name cannot end the parameter, add a header or point a browser at another folder.
#include <string>
#include <string_view>

#include "obscura/images/media_types.hpp"

namespace obscura::images {

// The name a download is saved under: the client's name (already cleaned at upload) with path separators
// and controls replaced, or `fallbackStem` when empty; our extension is appended when the name does not end
// in one of the type's own, so bytes sniffed as JPEG are never saved as "x.html".
std::string downloadFileName(std::string_view clientName, std::string_view fallbackStem, const MediaType* type);

// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded UTF-8>` (the ASCII form has
// every other character replaced by '_').
std::string attachmentDisposition(std::string_view fileName);

}  // namespace obscura::images
