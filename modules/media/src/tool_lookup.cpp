#include "tool_lookup.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace obscura::media {

std::string findExecutable(std::string_view name, std::string_view pathVariable) {
    while (!pathVariable.empty()) {
        auto colon = pathVariable.find(':');
        auto dir = pathVariable.substr(0, colon);
        pathVariable = colon == std::string_view::npos ? std::string_view{} : pathVariable.substr(colon + 1);
        if (dir.empty()) continue;  // an empty entry would mean the working directory: never trust it
        std::string candidate = std::string(dir) + "/" + std::string(name);
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

}  // namespace obscura::media
