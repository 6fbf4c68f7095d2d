#pragma once
#include <string>
#include <string_view>

namespace obscura::media {

// Absolute path of an executable found on PATH, or "" when there is none. Looked up once at start so a
// request never searches the file system.
std::string findExecutable(std::string_view name, std::string_view pathVariable);

}  // namespace obscura::media
