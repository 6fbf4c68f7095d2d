#include "local_file_ops.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace obscura::blobs::local {

int fsyncFd(int fd) {
    while (::fsync(fd) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

int fsyncPath(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (directory ? O_DIRECTORY : 0));
    if (fd < 0) return errno;
    const int rc = fsyncFd(fd);
    ::close(fd);
    return rc;
}

std::string parentOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

Error fileError(int err, const std::string& what) {
    if (err == ENOSPC || err == EDQUOT) {
        return unavailable("the server's storage is full (" + what + ": " + std::strerror(err) + ")");
    }
    return internalError(what + ": " + std::strerror(err));
}

int copyFile(const std::string& from, const std::string& to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return errno;
    const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        const int err = errno;
        ::close(in);
        return err;
    }
    std::vector<char> buffer(1 << 20);
    int rc = 0;
    for (;;) {
        const ssize_t n = ::read(in, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            rc = errno;
            break;
        }
        if (n == 0) break;
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) {
                rc = errno;
                break;
            }
            done += w;
        }
        if (rc != 0) break;
    }
    if (rc == 0) rc = fsyncFd(out);
    ::close(in);
    if (::close(out) != 0 && rc == 0) rc = errno;
    if (rc != 0) ::unlink(to.c_str());
    return rc;
}

}  // namespace obscura::blobs::local
