#include "atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace obscura::media {
namespace {

Error ioError(const std::string& what, const std::string& path) {
    return internalError(what + " " + path + ": " + std::strerror(errno));
}

std::string directoryOf(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

Status fsyncPath(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return ioError("cannot open", path);
    int rc = ::fsync(fd);
    int savedErrno = errno;
    ::close(fd);
    errno = savedErrno;
    if (rc != 0) return ioError("cannot fsync", path);
    return {};
}

}  // namespace

Expected<PendingFile> PendingFile::create(const std::string& target) {
    if (target.empty() || target.back() == '/') return internalError("no target file name given");
    auto slash = target.rfind('/');
    std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
    std::string pattern = directoryOf(target) + "/." + name + ".tmp-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    int fd = ::mkostemp(buffer.data(), O_CLOEXEC);
    if (fd < 0) return ioError("cannot create a temporary file in", directoryOf(target));
    ::fchmod(fd, 0644);
    ::close(fd);
    return PendingFile(std::string(buffer.data()), target);
}

PendingFile::PendingFile(PendingFile&& other) noexcept
    : path_(std::move(other.path_)), target_(std::move(other.target_)), done_(other.done_) {
    other.done_ = true;
}

PendingFile::~PendingFile() {
    if (!done_) ::unlink(path_.c_str());
}

Status PendingFile::commit() {
    if (done_) return internalError("PendingFile committed twice: " + target_);
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) return ioError("output missing:", path_);
    if (st.st_size == 0) return internalError("the writer produced an empty file for " + target_);
    OBSCURA_TRY_STATUS(fsyncPath(path_, O_RDONLY));
    if (::rename(path_.c_str(), target_.c_str()) != 0) return ioError("cannot rename onto", target_);
    done_ = true;
    return fsyncPath(directoryOf(target_), O_RDONLY | O_DIRECTORY);
}

Status writeFileAtomically(const std::string& target, std::string_view data) {
    OBSCURA_TRY(pending, PendingFile::create(target));
    int fd = ::open(pending.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) return ioError("cannot open", pending.path());
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int savedErrno = errno;
            ::close(fd);
            errno = savedErrno;
            return ioError("cannot write", pending.path());
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (::close(fd) != 0) return ioError("cannot close", pending.path());
    return pending.commit();
}

}  // namespace obscura::media
