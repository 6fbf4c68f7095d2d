#pragma once
// `obscura fsck`: storage and migrations only (no server), then the images module's library check.
#include <iosfwd>

#include "cli.hpp"
#include "obscura/kernel/config.hpp"

namespace obscura {

class Clock;

// Prints the report to `out` and failures to `err`. Exit code: 0 when nothing is wrong or every repair
// succeeded, 1 when problems were found without --repair, or a repair failed, or the check could not run.
int runFsckCommand(const CliCommand::FsckFlags& flags, Config config, const Clock& clock, std::ostream& out,
                   std::ostream& err);

}  // namespace obscura
