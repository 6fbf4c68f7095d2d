#include "obscura/images/library_fsck.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "assets/asset_file_jobs.hpp"
#include "library/library_layout.hpp"
#include "library/library_walk.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "upload/asset_importer.hpp"

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

// Moves a blob to lost+found/<its key below library/>, never replacing anything there: copied, then removed.
Expected<std::string> moveToLostFound(blobs::BlobStore& blobs, const std::string& tmpDir, const std::string& key) {
    const std::string below = key.substr(std::string(kLibraryDir).size() + 1);
    std::string target = std::string(kLostFoundDir) + "/" + below;
    for (int n = 1;; ++n) {
        auto there = blobs.stat(target);
        if (!there && there.error().code == ErrorCode::NotFound) break;
        if (!there) return std::move(there).error();
        if (n > 1000) return internalError("cannot move " + key + ": lost+found holds too many copies of it");
        target = std::string(kLostFoundDir) + "/" + below + "." + std::to_string(n);
    }
    OBSCURA_TRY(copy, PendingBlob::create(tmpDir, "lost", ".part"));
    {
        std::ofstream out(copy.path(), std::ios::binary | std::ios::trunc);
        OBSCURA_TRY_STATUS(readBlob(blobs, key, {}, [&](std::string_view chunk) -> Status {
            if (!out.write(chunk.data(), static_cast<std::streamsize>(chunk.size())))
                return internalError("cannot write " + copy.path());
            return {};
        }));
        if (!out.flush()) return internalError("cannot write " + copy.path());
    }
    // An empty orphan moves too (PendingBlob refuses empty files: put the copy directly).
    OBSCURA_TRY_STATUS(blobs.put(target, copy.path(), {}));
    OBSCURA_TRY_STATUS(blobs.remove(key));
    return target;
}

// What --repair does with one orphan; the action text goes into the report.
Expected<std::string> repairOrphan(storage::Storage& storage, AssetImporter& importer, blobs::BlobStore& blobs,
                                   const std::string& tmpDir, const FsckReport::Orphan& orphan,
                                   const FsckOptions& options) {
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
        OBSCURA_TRY(moved, moveToLostFound(blobs, tmpDir, orphan.path));
        return why + ": moved to " + moved;
    }
    OBSCURA_TRY(moved, moveToLostFound(blobs, tmpDir, orphan.path));
    return "moved to " + moved;
}

Status checkRows(storage::Storage& storage, blobs::BlobStore& blobs, const FsckOptions& options, FsckReport& report) {
    std::string after;
    for (;;) {
        OBSCURA_TRY(page, withRepos(storage, [&](storage::Repositories& repos) {
                        return repos.images().listAllAssets(after, kRowPage);
                    }));
        if (page.empty()) return {};
        after = page.back().id;
        for (const auto& a : page) {
            ++report.rowsScanned;
            auto info = blobs.stat(a.storagePath);
            if (!info && info.error().code != ErrorCode::NotFound && info.error().code != ErrorCode::Invalid)
                return Error(info.error().code, "cannot look at " + a.storagePath + ": " + info.error().message);
            const bool present = info.ok();
            FsckReport::RowProblem p{a.id, a.ownerId, a.storagePath, "", ""};
            std::optional<bool> mark;
            if (!present) {
                p.problem = a.fileMissing ? "file missing (already marked)" : "file missing";
                if (!a.fileMissing) mark = true;
            } else if (a.fileMissing) {
                p.problem = "file back (marked missing)";
                mark = false;
            } else if (static_cast<std::int64_t>(info->size) != a.sizeBytes) {
                p.problem = "size differs: row " + std::to_string(a.sizeBytes) + " bytes, file " +
                            std::to_string(info->size) + " bytes (left for a person to look at)";
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

Expected<FsckReport> runFsck(storage::Storage& storage, blobs::BlobStore& blobs, const std::string& tmpDir,
                             const FsckOptions& options, const Clock& clock) {
    FsckReport report;
    const std::int64_t now = nowSeconds();
    OBSCURA_TRY_STATUS(walkLibrary(blobs, [&](const blobs::BlobEntry& entry) -> Status {
        ++report.filesScanned;
        OBSCURA_TRY(owned, hasRow(storage, entry.key));
        if (!owned) report.orphans.push_back({entry.key, std::max<std::int64_t>(0, now - entry.modifiedAt), ""});
        return {};
    }));
    OBSCURA_TRY_STATUS(checkRows(storage, blobs, options, report));
    if (!options.repair) return report;
    AssetImporter importer(storage, blobs, tmpDir, nullptr, clock);
    for (auto& orphan : report.orphans) {
        auto action = repairOrphan(storage, importer, blobs, tmpDir, orphan, options);
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

Expected<std::int64_t> countOrphans(storage::Storage& storage, blobs::BlobStore& blobs, const std::atomic<bool>& stop) {
    std::int64_t orphans = 0;
    OBSCURA_TRY_STATUS(walkLibrary(
        blobs,
        [&](const blobs::BlobEntry& entry) -> Status {
            OBSCURA_TRY(owned, hasRow(storage, entry.key));
            if (!owned) ++orphans;
            return {};
        },
        &stop));
    return orphans;
}

}  // namespace obscura::images
