#include "upload/durability_ops.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace obscura::images {
namespace {

int syncDescriptor(int fd) {
    while (::fsync(fd) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

}  // namespace

int DurabilityOps::fsyncFile(int fd) { return syncDescriptor(fd); }

int DurabilityOps::syncFileData(int fd) {
    while (::fdatasync(fd) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

int DurabilityOps::fsyncDirectory(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int rc = syncDescriptor(fd);  // not the virtual fsyncFile: a directory sync is one operation
    ::close(fd);
    return rc;
}

int DurabilityOps::makeDirectory(const std::string& dir) {
    // Private: the library holds people's photos.
    return ::mkdir(dir.c_str(), 0700) == 0 ? 0 : errno;
}

int DurabilityOps::renameNoReplace(const std::string& from, const std::string& to) {
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return errno;
    // File systems without RENAME_NOREPLACE (some network file systems): link() refuses an existing target
    // just as atomically; the temp name is then removed.
    if (::link(from.c_str(), to.c_str()) != 0) return errno;
    ::unlink(from.c_str());
    return 0;
}

int DurabilityOps::removeFile(const std::string& path) { return ::unlink(path.c_str()) == 0 ? 0 : errno; }

DurabilityOps& DurabilityOps::system() {
    static DurabilityOps ops;
    return ops;
}

}  // namespace obscura::images
