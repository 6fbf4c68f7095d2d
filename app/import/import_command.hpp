#pragma once
// `obscura import PATH… --user U [--album-from-folder] [--takeout] [--dry-run] [--jobs N]` (DESIGN.md section
// 12, docs/import.md): the modules without a listener (App::startWithoutServer), then a walk of the paths
// (import_sources.hpp), a plan with Takeout's sidecars (import_plan.hpp) and the run (import_runner.hpp). A
// server may run on the same data dir and database meanwhile: the import writes as an upload does, and the
// derivatives jobs it queues are run by that server (or the next one to start).
//
// Output: a progress line on stdout when it is a terminal, then the JSON summary (import_report.hpp) on stdout.
// Exit: 0, or 1 when a file failed (or the import could not start), 130 when SIGINT/SIGTERM stopped it.
#include <iosfwd>

#include "cli.hpp"
#include "obscura/kernel/config.hpp"

namespace obscura {

class Clock;

int runImportCommand(const CliCommand::ImportFlags& flags, Config config, const Clock& clock, std::ostream& out,
                     std::ostream& err);

}  // namespace obscura
