#include "byte_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace obscura::formats {

Expected<FileReader> FileReader::open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return internalError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return internalError(path + " is not a readable regular file");
    }
    return FileReader(fd, static_cast<std::uint64_t>(st.st_size));
}

FileReader::~FileReader() {
    if (fd_ >= 0) ::close(fd_);
}

Expected<std::string> FileReader::readUpTo(std::uint64_t offset, std::size_t n) const {
    if (offset >= size_) return std::string();
    if (n > size_ - offset) n = static_cast<std::size_t>(size_ - offset);
    std::string out(n, '\0');
    std::size_t done = 0;
    while (done < n) {
        ssize_t r = ::pread(fd_, out.data() + done, n - done, static_cast<off_t>(offset + done));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return internalError(std::string("read failed: ") + std::strerror(errno));
        if (r == 0) break;  // the file shrank under us
        done += static_cast<std::size_t>(r);
    }
    out.resize(done);
    return out;
}

Expected<std::string> FileReader::read(std::uint64_t offset, std::size_t n, std::string_view what) const {
    if (offset > size_ || n > size_ - offset) {
        return Error{ErrorCode::UnsupportedMediaType,
                     "corrupt file: " + std::string(what) + " lies beyond the end of the file"};
    }
    OBSCURA_TRY(bytes, readUpTo(offset, n));
    if (bytes.size() != n)
        return Error{ErrorCode::UnsupportedMediaType, "corrupt file: " + std::string(what) + " is truncated"};
    return bytes;
}

}  // namespace obscura::formats
