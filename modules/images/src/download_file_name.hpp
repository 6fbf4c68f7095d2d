#pragma once
// The name an original is saved under when downloaded (the kernel's attachmentDisposition puts it in the
// header): the client's name, made harmless as a path, with our extension so sniffed bytes keep their type.
#include <string>
#include <string_view>

#include "obscura/images/media_types.hpp"

namespace obscura::images {

// The client's name (already cleaned at upload) with path separators and controls replaced, or
// `fallbackStem` when empty; our extension is appended when the name does not end in one of the type's own,
// so bytes sniffed as JPEG are never saved as "x.html".
std::string downloadFileName(std::string_view clientName, std::string_view fallbackStem, const MediaType* type);

}  // namespace obscura::images
