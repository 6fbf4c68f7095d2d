#include "obscura/formats/client_file_name.hpp"

#include "obscura/base/utf8.hpp"

namespace obscura::formats {

std::string sanitizeClientFileName(std::string_view raw) {
    auto slash = raw.find_last_of("/\\");
    if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
    return cleanUtf8Text(raw, kMaxClientFileNameBytes);
}

}  // namespace obscura::formats
