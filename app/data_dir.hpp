#pragma once
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

// Creates <dataDir> and its library/, derived/, tmp/ (uploads in progress) and work/ (media's files before their
// put) folders; fails with the path and errno text when it cannot. When exclusiveTmp is true (SQLite: one process
// by design) tmp/ and work/ are emptied.
Status prepareDataDir(const std::string& dataDir, bool exclusiveTmp);

// The JWT key: <dataDir>/secret (0600, 64 hex characters), generated from 32 random bytes on first start.
// A secret file that is not 64 hex characters, or is readable by others, stops the start.
Expected<std::string> loadOrCreateSecret(const std::string& dataDir);

// Writes, fsyncs and removes a probe file in <dataDir>/tmp: the readiness check that the data dir is writable.
Status probeWritable(const std::string& dataDir);

}  // namespace obscura
