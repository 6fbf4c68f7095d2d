#include "obscura/formats/client_file_name.hpp"

#include "utf8_text.hpp"

namespace obscura::formats {

std::string sanitizeClientFileName(std::string_view raw) {
    auto slash = raw.find_last_of("/\\");
    if (slash != std::string_view::npos) raw.remove_prefix(slash + 1);
    return images::cleanUtf8Text(raw, kMaxClientFileNameBytes);
}

}  // namespace obscura::formats
