#pragma once
// `obscura backup --to DIR`, `obscura backup verify DIR`, `obscura restore --from DIR` (backup.hpp does the work).
#include <iosfwd>

#include "cli.hpp"
#include "obscura/kernel/config.hpp"

namespace obscura {

class Clock;

// The summary goes to `out`, a refusal or failure (one line) to `err`. Exit code 0 on success, 1 otherwise.
int runBackupCommand(const CliCommand& command, const Config& config, const Clock& clock, std::ostream& out,
                     std::ostream& err);

}  // namespace obscura
