#pragma once
// `obscura migrate-blobs --from local --to s3`: copies every object of one blob store into another and verifies
// each (size and SHA-256 read back from the target). Resumable: an object already in the target with the same
// size and checksum is counted and left alone, so a run cut short and started again ends verified. The server
// should be stopped (or read-only) meanwhile; objects written during the run may be missed.
#include <ostream>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {

class Config;

struct MigrateBlobsOptions {
    std::string from;  // blob plugin names: "local", "s3"
    std::string to;
};

// Progress lines go to `progress`; the answer is the closing summary. Any object that does not verify stops the
// run with an error naming it.
Expected<std::string> migrateBlobs(const Config& config, const MigrateBlobsOptions& options, std::ostream& progress);

}  // namespace obscura
