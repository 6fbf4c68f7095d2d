#include "fsck.hpp"

#include <filesystem>
#include <ostream>

#include "app.hpp"
#include "blob_loader.hpp"
#include "obscura/images/library_fsck.hpp"

namespace obscura {

int runFsckCommand(const CliCommand::FsckFlags& flags, Config config, const Clock& clock, std::ostream& out,
                   std::ostream& err) {
    std::error_code ec;
    const std::string dataDir =
        std::filesystem::absolute(config.getString("server.dataDir"), ec).lexically_normal().string();
    auto blobs = openConfiguredBlobStore(config, dataDir, nullptr);
    App app(std::move(config), clock);
    if (auto migrated = app.migrateOnly(); !migrated) {
        err << "obscura: " << migrated.error().message << std::endl;
        return 1;
    }
    if (!blobs) {
        err << "obscura: " << blobs.error().message << std::endl;
        return 1;
    }
    // Reimported videos are probed, and lost+found copies made, through files in tmp/.
    const std::string tmpDir = dataDir + "/tmp";
    std::filesystem::create_directories(tmpDir, ec);
    images::FsckOptions options;
    options.repair = flags.repair;
    options.reimport = flags.reimport;
    options.settle = std::chrono::seconds(flags.minAgeSeconds);
    auto report = images::runFsck(app.storage(), **blobs, tmpDir, options, clock);
    if (!report) {
        err << "obscura: fsck failed: " << report.error().message << std::endl;
        return 1;
    }
    out << images::describeFsck(*report, options);
    if (report->repairFailures > 0) return 1;
    return report->clean() || options.repair ? 0 : 1;
}

}  // namespace obscura
