#include "obscura/kernel/executable_dir.hpp"

#include <string>
#include <string_view>
#include <system_error>

namespace obscura {

Expected<std::filesystem::path> executableDir() {
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return unavailable("cannot find the obscura executable's own path (/proc/self/exe: " + ec.message() + ")");
    // The kernel appends this when the binary was replaced on disk while running (an upgrade in place);
    // the directory is still the right one.
    constexpr std::string_view kDeleted = " (deleted)";
    std::string text = exe.string();
    if (text.size() > kDeleted.size() && text.compare(text.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0) {
        text.resize(text.size() - kDeleted.size());
    }
    return std::filesystem::path(text).parent_path();
}

}  // namespace obscura
