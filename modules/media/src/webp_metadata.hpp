#pragma once
// Removes metadata chunks (EXIF, XMP, ICCP) from a WebP file. Debian 12's libvips 8.14.1 writes a fresh EXIF
// chunk into every WebP it saves, strip or not; derivatives must carry none (DESIGN.md section 3), so the
// container is rewritten after encoding. Pure byte work on our own encoder's output.
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::media {

// The same image without EXIF, XMP and ICCP chunks, the RIFF size and the VP8X flags fixed to match. Internal when
// the bytes are not a well-formed WebP container (our encoder produced them, so that would be a bug).
Expected<std::string> stripWebpMetadata(std::string_view webp);

}  // namespace obscura::media
