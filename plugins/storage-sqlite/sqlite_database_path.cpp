#include "sqlite_database_path.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace obscura::sqlite {

namespace {

constexpr std::string_view kScheme = "sqlite:";
constexpr std::string_view kExpected = "expected sqlite:/absolute/path.db";

}  // namespace

Expected<std::string> resolveDatabasePath(const storage::StorageOptions& options) {
    std::filesystem::path path;
    if (!options.url.empty()) {
        std::string_view url = options.url;
        if (url.substr(0, kScheme.size()) != kScheme) {
            // Name only the scheme: a URL meant for another backend may carry credentials.
            const auto colon = url.find(':');
            const std::string scheme = colon == std::string_view::npos ? "none" : std::string(url.substr(0, colon));
            return invalid("database.url has scheme '" + scheme + "' but storage.plugin is sqlite; " +
                           std::string(kExpected) + ", or leave database.url unset to use <dataDir>/obscura.db");
        }
        url.remove_prefix(kScheme.size());
        if (url.substr(0, 3) == "///") url.remove_prefix(2);  // URI form: empty authority, absolute path
        if (url.empty() || url.front() != '/' || url.substr(0, 2) == "//" || url.back() == '/') {
            return invalid("database.url '" + options.url + "' is not a SQLite file URL: " + std::string(kExpected));
        }
        path = std::filesystem::path(url);
    } else if (!options.dataDir.empty()) {
        // Absolute now, so that nothing later depends on the working directory.
        path = std::filesystem::absolute(std::filesystem::path(options.dataDir) / "obscura.db");
    } else {
        return invalid("storage sqlite: no database location: set server.dataDir, or database.url to " +
                       std::string("sqlite:/absolute/path.db"));
    }
    return path.lexically_normal().string();
}

Status ensureDatabaseFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        const int err = errno;
        std::string message = "storage sqlite: cannot open or create database file " + path + ": " + std::strerror(err);
        if (err == ENOENT) message += " (does its directory exist?)";
        return unavailable(std::move(message));
    }
    ::close(fd);
    return {};
}

}  // namespace obscura::sqlite
