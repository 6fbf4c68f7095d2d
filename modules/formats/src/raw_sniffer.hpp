#pragma once
// Tells plain TIFF from the camera RAW formats built on TIFF (DESIGN.md section 12) by what their first 4 KiB
// say, never by the file name: the header's magic (CR2's "CR\2", ORF's "RO"/"RS", RW2's 0x55), IFD0's DNGVersion
// tag, and for the other makers the Make string together with a raw-data structure (SubIFDs, a CFA photometric,
// Sony's SR2 private tag). A TIFF whose IFD0 lies beyond the sniffed bytes is a plain TIFF (libtiff writes it
// last; cameras write it first); one whose IFD0 lies beyond the end of a short file is refused.
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"

namespace obscura::formats {

// `head` starts with a TIFF byte-order mark ("II"/"MM"). Returns a media type name of acceptedMediaTypes():
// "tiff", "dng", "cr2", "nef", "arw", "orf", "rw2" or "pef"; UnsupportedMediaType for BigTIFF and malformed TIFF (the
// message names the problem only; the sniffer words the refusal).
Expected<std::string_view> sniffTiffFamily(std::string_view head);

}  // namespace obscura::formats
