#pragma once
// The file-system calls that make an upload durable, behind one small interface so tests can record their
// order and make any of them fail (a failed fsync must fail the upload, and there is no portable way to make
// a real disk do that on demand). Each returns 0 or an errno value.
#include <string>

namespace obscura::images {

class DurabilityOps {
public:
    virtual ~DurabilityOps() = default;
    virtual int fsyncFile(int fd);
    // fdatasync: the file's bytes and size, not its timestamps (a resumable upload's spool before each offset).
    virtual int syncFileData(int fd);
    virtual int fsyncDirectory(const std::string& dir);
    virtual int makeDirectory(const std::string& dir);  // EEXIST when it exists
    // Atomic, and never replaces an existing file (RENAME_NOREPLACE; link+unlink where that is unsupported).
    virtual int renameNoReplace(const std::string& from, const std::string& to);
    virtual int removeFile(const std::string& path);

    // The real system calls.
    static DurabilityOps& system();
};

}  // namespace obscura::images
