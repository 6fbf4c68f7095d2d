#pragma once
// Decides what an upload is from its content, never from its name or declared type (DESIGN.md section 6).
// It is an allowlist: a file is accepted only when its first bytes carry the signature of a format in
// acceptedMediaTypes(); everything else is refused, and the refusal names what the bytes look like so the
// client learns why (TIFF/RAW, SVG/HTML/XML, PDF, playlists, text, AVIF, audio, …).
#include <cstddef>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/formats/media_types.hpp"

namespace obscura::formats {

// How many leading bytes to buffer before sniffing. ISO-BMFF brand lists and the EBML header may need more
// than the fixed signatures do; 4 KiB covers every real ftyp box and EBML header.
inline constexpr std::size_t kSniffBytes = 4096;
// Fewer bytes than this are only sniffed when they are the whole file (a 1×1 GIF is 35 bytes).
inline constexpr std::size_t kSniffMinBytes = 64;

// sniffMediaType() itself is declared in the public media_types.hpp (media sniffs avatars with it).

}  // namespace obscura::formats
