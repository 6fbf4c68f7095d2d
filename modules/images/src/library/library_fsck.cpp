#include "obscura/images/library_fsck.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

#include "assets/asset_file_jobs.hpp"
#include "library/library_layout.hpp"
#include "library/library_walk.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "upload/asset_importer.hpp"
#include "upload/durability_ops.hpp"

namespace obscura::images {

namespace fs = std::filesystem;

namespace {

constexpr int kRowPage = 500;

std::int64_t nowSeconds() { return static_cast<std::int64_t>(std::time(nullptr)); }

// "library/<owner>/…" → "<owner>".
std::string ownerOf(const std::string& relativePath) {
    const auto first = relativePath.find('/');
    const auto second = relativePath.find('/', first + 1);
    if (first == std::string::npos || second == std::string::npos) return {};
    return relativePath.substr(first + 1, second - first - 1);
}

Expected<bool> hasRow(storage::Storage& storage, const std::string& relativePath) {
    OBSCURA_TRY(row, withRepos(storage, [&](storage::Repositories& repos) {
                    return repos.images().findAssetByStoragePath(relativePath);
                }));
    return row.has_value();
}

Expected<bool> userExists(storage::Storage& storage, const std::string& userId) {
    OBSCURA_TRY(user,
                withRepos(storage, [&](storage::Repositories& repos) { return repos.auth().findUserById(userId); }));
    return user.has_value();
}

// The state of the job that removes this asset's files, if one was ever scheduled: it is keyed by the asset id
// (one per asset, ever).
Expected<std::optional<std::string>> deletionJobState(storage::Storage& storage, const std::string& assetId) {
    OBSCURA_TRY(job, withRepos(storage, [&](storage::Repositories& repos) {
                    return repos.jobs().findJobByDedupeKey(kDeleteAssetFilesJob, assetId);
                }));
    if (!job) return std::optional<std::string>();
    return std::optional<std::string>(job->state);
}

// Moves a file to <dataDir>/lost+found/<its path below library/>, never replacing anything there.
Expected<std::string> moveToLostFound(const std::string& dataDir, const std::string& relativePath) {
    auto& ops = DurabilityOps::system();
    const fs::path below = fs::path(relativePath).lexically_relative(kLibraryDir);
    fs::path target = fs::path(kLostFoundDir) / below;
    std::error_code ec;
    fs::create_directories(fs::path(dataDir) / target.parent_path(), ec);
    if (ec)
        return internalError("cannot create " + (fs::path(dataDir) / target.parent_path()).string() + ": " +
                             ec.message());
    const std::string from = dataDir + "/" + relativePath;
    for (int n = 1;; ++n) {
        const int rc = ops.renameNoReplace(from, dataDir + "/" + target.string());
        if (rc == 0) break;
        if (rc != EEXIST || n > 1000)
            return internalError("cannot move " + relativePath + " to " + target.string() + ": " + std::strerror(rc));
        target = fs::path(kLostFoundDir) / below;
        target += "." + std::to_string(n);
    }
    ops.fsyncDirectory((fs::path(dataDir) / target).parent_path().string());
    ops.fsyncDirectory(fs::path(from).parent_path().string());
    return target.string();
}

// What --repair does with one orphan; the action text goes into the report.
Expected<std::string> repairOrphan(storage::Storage& storage, AssetImporter& importer, const std::string& dataDir,
                                   const FsckReport::Orphan& orphan, const FsckOptions& options) {
    if (orphan.ageSeconds < options.settle.count())
        return std::string("left alone: younger than ") + std::to_string(options.settle.count() / 60) +
               " minutes (a write may still be committing it)";
    const std::string owner = ownerOf(orphan.path);
    if (isUuid(owner)) {
        OBSCURA_TRY(exists, userExists(storage, owner));
        if (!exists) return std::string("left alone: its user is deleted; the user's files are being removed");
        const std::string stem = fs::path(orphan.path).stem().string();
        if (isUuid(stem)) {
            // The user deleted this asset: its file is never reimported (that would bring back what the user
            // removed) nor moved; a removal job that has yet to run takes it.
            OBSCURA_TRY(deletion, deletionJobState(storage, stem));
            if (deletion && (*deletion == storage::kJobQueued || *deletion == storage::kJobRunning))
                return std::string("left alone: this asset was deleted; its removal job will take it");
            if (deletion) return "left alone: this asset was deleted (its removal job " + *deletion + ")";
        }
    }
    if (options.reimport && isUuid(owner)) {
        auto imported = importer.adoptLibraryFile(owner, orphan.path);
        if (imported && imported->created) return "reimported as asset " + imported->asset.id;
        std::string why = imported ? "a duplicate of asset " + imported->asset.id
                          : imported.error().code == ErrorCode::UnsupportedMediaType
                              ? "not an accepted photo or video (" + imported.error().message + ")"
                              : "";
        if (why.empty()) return std::move(imported).error();
        OBSCURA_TRY(moved, moveToLostFound(dataDir, orphan.path));
        return why + ": moved to " + moved;
    }
    OBSCURA_TRY(moved, moveToLostFound(dataDir, orphan.path));
    return "moved to " + moved;
}

Status checkRows(storage::Storage& storage, const std::string& dataDir, const FsckOptions& options,
                 FsckReport& report) {
    std::string after;
    for (;;) {
        OBSCURA_TRY(page, withRepos(storage, [&](storage::Repositories& repos) {
                        return repos.images().listAllAssets(after, kRowPage);
                    }));
        if (page.empty()) return {};
        after = page.back().id;
        for (const auto& a : page) {
            ++report.rowsScanned;
            struct stat st {};
            const bool present = ::stat((dataDir + "/" + a.storagePath).c_str(), &st) == 0;
            FsckReport::RowProblem p{a.id, a.ownerId, a.storagePath, "", ""};
            std::optional<bool> mark;
            if (!present) {
                p.problem = a.fileMissing ? "file missing (already marked)" : "file missing";
                if (!a.fileMissing) mark = true;
            } else if (a.fileMissing) {
                p.problem = "file back (marked missing)";
                mark = false;
            } else if (st.st_size != a.sizeBytes) {
                p.problem = "size differs: row " + std::to_string(a.sizeBytes) + " bytes, file " +
                            std::to_string(st.st_size) + " bytes (left for a person to look at)";
            } else {
                continue;
            }
            if (options.repair && mark) {
                auto written = withRepos(
                    storage, [&](storage::Repositories& repos) { return repos.images().setFileMissing(a.id, *mark); });
                if (written) {
                    p.action = *mark ? "marked fileMissing" : "fileMissing cleared";
                } else {
                    p.action = "repair failed: " + written.error().message;
                    ++report.repairFailures;
                }
            }
            report.rows.push_back(std::move(p));
        }
    }
}

}  // namespace

Expected<FsckReport> runFsck(storage::Storage& storage, const std::string& dataDir, const FsckOptions& options,
                             const Clock& clock) {
    FsckReport report;
    const std::int64_t now = nowSeconds();
    OBSCURA_TRY_STATUS(walkLibrary(dataDir, [&](const std::string& rel, const struct stat& st) -> Status {
        ++report.filesScanned;
        OBSCURA_TRY(owned, hasRow(storage, rel));
        if (!owned) report.orphans.push_back({rel, std::max<std::int64_t>(0, now - lastTouched(st)), ""});
        return {};
    }));
    OBSCURA_TRY_STATUS(checkRows(storage, dataDir, options, report));
    if (!options.repair) return report;
    AssetImporter importer(storage, dataDir, nullptr, clock);
    for (auto& orphan : report.orphans) {
        auto action = repairOrphan(storage, importer, dataDir, orphan, options);
        if (action) {
            orphan.action = std::move(*action);
        } else {
            orphan.action = "repair failed: " + action.error().message;
            ++report.repairFailures;
        }
    }
    return report;
}

std::string describeFsck(const FsckReport& report, const FsckOptions& options) {
    std::ostringstream out;
    out << "checked " << report.filesScanned << " library files and " << report.rowsScanned << " asset rows\n";
    for (const auto& o : report.orphans) {
        out << "orphan file (no row): " << o.path << " (last written " << o.ageSeconds << " s ago)";
        if (!o.action.empty()) out << ": " << o.action;
        out << "\n";
    }
    for (const auto& r : report.rows) {
        out << "asset " << r.assetId << " (user " << r.ownerId << "): " << r.problem << ": " << r.path;
        if (!r.action.empty()) out << ": " << r.action;
        out << "\n";
    }
    if (report.clean()) {
        out << "no problems found\n";
    } else {
        out << report.orphans.size() << " orphan file(s), " << report.rows.size() << " row problem(s)";
        if (!options.repair) out << "; run `obscura fsck --repair` to repair";
        if (report.repairFailures > 0) out << "; " << report.repairFailures << " repair(s) failed";
        out << "\n";
    }
    return out.str();
}

Expected<std::int64_t> countOrphans(storage::Storage& storage, const std::string& dataDir,
                                    const std::atomic<bool>& stop) {
    std::int64_t orphans = 0;
    OBSCURA_TRY_STATUS(walkLibrary(
        dataDir,
        [&](const std::string& rel, const struct stat&) -> Status {
            OBSCURA_TRY(owned, hasRow(storage, rel));
            if (!owned) ++orphans;
            return {};
        },
        &stop));
    return orphans;
}

}  // namespace obscura::images
