#pragma once
// The system calls behind the local store's durability (DESIGN §4): each answers 0 or an errno value, and
// fileError turns one into the server's answer (a full disk is 503 "storage is full", never a 500).
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura::blobs::local {

int fsyncFd(int fd);
int fsyncPath(const std::string& path, bool directory);
// "/a/b/c" → "/a/b"; "/a" → "/".
std::string parentOf(const std::string& path);
// ENOSPC/EDQUOT → Unavailable ("the server's storage is full"); anything else → Internal naming `what`.
Error fileError(int err, const std::string& what);
// Copies `from` to `to` (a new file, mode 0600), fsync'd: put's path when the temp file is on another file system.
int copyFile(const std::string& from, const std::string& to);

}  // namespace obscura::blobs::local
