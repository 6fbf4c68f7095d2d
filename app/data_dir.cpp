#include "data_dir.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace obscura {
namespace {

Error ioError(const std::string& what, const std::string& path, int err) {
    return Error(ErrorCode::Unavailable, what + " " + path + ": " + std::strerror(err));
}

bool isHex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

Status fsyncPath(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return ioError("cannot open", path, errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ioError("cannot fsync", path, err);
    return {};
}

}  // namespace

Status prepareDataDir(const std::string& dataDir, bool exclusiveTmp) {
    for (const char* sub : {"", "library", "derived", "tmp", "work"}) {
        fs::path p = sub[0] ? fs::path(dataDir) / sub : fs::path(dataDir);
        std::error_code ec;
        fs::create_directories(p, ec);
        if (ec)
            return Error(ErrorCode::Unavailable, "cannot create data directory " + p.string() + ": " + ec.message());
        if (!fs::is_directory(p, ec)) return Error(ErrorCode::Unavailable, p.string() + " is not a directory");
    }
    if (exclusiveTmp) {
        // Only one process uses a SQLite data dir, so anything in tmp/ or work/ is a write that never finished.
        for (const char* sub : {"tmp", "work"}) {
            std::error_code ec;
            for (const auto& entry : fs::directory_iterator(fs::path(dataDir) / sub, ec)) {
                std::error_code rmEc;
                fs::remove_all(entry.path(), rmEc);
            }
        }
    }
    return {};
}

Expected<std::string> loadOrCreateSecret(const std::string& dataDir) {
    const std::string path = (fs::path(dataDir) / "secret").string();
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        if (st.st_mode & (S_IRWXG | S_IRWXO))
            return Error(ErrorCode::Invalid, path + " is accessible by other users; run chmod 600 on it");
        std::ifstream in(path);
        std::string secret;
        std::getline(in, secret);
        if (!isHex64(secret))
            return Error(ErrorCode::Invalid, path + " must hold 64 hexadecimal characters (the JWT key)");
        return secret;
    }
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return internalError("cannot generate random bytes for the JWT key");
    static const char* kHex = "0123456789abcdef";
    std::string secret;
    for (unsigned char b : bytes) {
        secret.push_back(kHex[b >> 4]);
        secret.push_back(kHex[b & 15]);
    }
    // O_EXCL: two processes starting together must not both write a different key.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) return loadOrCreateSecret(dataDir);
        return ioError("cannot create", path, errno);
    }
    std::string line = secret + "\n";
    bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    int err = errno;
    ::close(fd);
    if (!ok) {
        ::unlink(path.c_str());
        return ioError("cannot write", path, err);
    }
    OBSCURA_TRY_STATUS(fsyncPath(dataDir, O_RDONLY | O_DIRECTORY));
    return secret;
}

Status probeWritable(const std::string& dataDir) {
    const std::string path = (fs::path(dataDir) / "tmp" / (".readyz-" + std::to_string(::getpid()))).string();
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return ioError("data directory is not writable:", path, errno);
    const char probe[] = "ok";
    bool ok = ::write(fd, probe, sizeof probe) == static_cast<ssize_t>(sizeof probe) && ::fsync(fd) == 0;
    int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    if (!ok) return ioError("data directory is not writable:", path, err);
    return {};
}

}  // namespace obscura
