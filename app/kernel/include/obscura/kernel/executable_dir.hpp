#pragma once
// Where the running executable lives (/proc/self/exe), so files installed beside it — storage plugins, the
// web UI — are found the same way from the build tree and from an install, never via the working directory.
#include <filesystem>

#include "obscura/base/expected.hpp"

namespace obscura {

Expected<std::filesystem::path> executableDir();

}  // namespace obscura
