#include "fsck.hpp"

#include <filesystem>
#include <ostream>

#include "app.hpp"
#include "obscura/images/library_fsck.hpp"

namespace obscura {

int runFsckCommand(const CliCommand::FsckFlags& flags, Config config, const Clock& clock, std::ostream& out,
                   std::ostream& err) {
    std::error_code ec;
    const std::string dataDir =
        std::filesystem::absolute(config.getString("server.dataDir"), ec).lexically_normal().string();
    App app(std::move(config), clock);
    if (auto migrated = app.migrateOnly(); !migrated) {
        err << "obscura: " << migrated.error().message << std::endl;
        return 1;
    }
    images::FsckOptions options;
    options.repair = flags.repair;
    options.reimport = flags.reimport;
    options.settle = std::chrono::seconds(flags.minAgeSeconds);
    auto report = images::runFsck(app.storage(), dataDir, options, clock);
    if (!report) {
        err << "obscura: fsck failed: " << report.error().message << std::endl;
        return 1;
    }
    out << images::describeFsck(*report, options);
    if (report->repairFailures > 0) return 1;
    return report->clean() || options.repair ? 0 : 1;
}

}  // namespace obscura
