#include "upload/library_import_service.hpp"

#include <chrono>
#include <filesystem>
#include <string_view>

#include "albums/album_service.hpp"
#include "obscura/base/ids.hpp"
#include "obscura/formats/client_file_name.hpp"
#include "obscura/formats/content_sniffer.hpp"
#include "obscura/kernel/log.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "upload/sidecar_metadata.hpp"
#include "upload/upload_routes.hpp"
#include "upload/upload_temp_file.hpp"

namespace obscura::images {

namespace fs = std::filesystem;

namespace {

constexpr const char* kImportDir = "import";
constexpr auto kAbandonedAfter = std::chrono::hours(24);

// The first bytes of a file, for the content sniffer.
Expected<std::string> readHead(const std::string& path) {
    std::string head(formats::kSniffBytes, '\0');
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (f == nullptr) return internalError("cannot open " + path);
    const std::size_t n = std::fread(head.data(), 1, head.size(), f);
    std::fclose(f);
    head.resize(n);
    return head;
}

UploadFields fieldsFrom(const ImportSidecar& sidecar) {
    UploadFields fields;
    if (sidecar.title) fields.title = *sidecar.title;
    if (sidecar.description) fields.description = *sidecar.description;
    fields.takenAt = sidecar.takenAt;
    if (sidecar.favorite) fields.isFavorite = *sidecar.favorite;
    if (sidecar.latitude && sidecar.longitude) {
        fields.latitude = sidecar.latitude;
        fields.longitude = sidecar.longitude;
    }
    if (!sidecar.xmp.empty()) attachSidecar(fields, sidecar.xmp);  // the .xmp beside the file
    return fields;
}

}  // namespace

Expected<std::string> LibraryImportService::makeTempDir() {
    const fs::path root = fs::path(dataDir_) / kImportDir;
    std::error_code ec;
    // An import killed outright left its folder: gone once nothing was written in it for a day (a running import
    // touches its folder with every file it copies).
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        std::error_code old;
        const auto touched = fs::last_write_time(entry.path(), old);
        if (!old && fs::file_time_type::clock::now() - touched > kAbandonedAfter) fs::remove_all(entry.path(), old);
    }
    const fs::path dir = root / newUuid();
    fs::create_directories(dir, ec);
    if (ec) return unavailable("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    return dir.string();
}

void LibraryImportService::removeTempDir(const std::string& dir) noexcept {
    std::error_code ec;
    // Only ever a folder makeTempDir() made: never follow a caller's path anywhere else.
    const fs::path root = fs::path(dataDir_) / kImportDir;
    if (fs::path(dir).parent_path() != root) return;
    fs::remove_all(dir, ec);
    if (ec) log::warn("import: cannot remove " + dir + ": " + ec.message());
}

Expected<std::optional<std::string>> LibraryImportService::findByChecksum(const std::string& ownerId,
                                                                          const formats::Sha1Digest& digest) {
    OBSCURA_TRY(found, withRepos(upload_.storage, [&](storage::Repositories& repos) {
                    return repos.images().findAssetByChecksum(ownerId, formats::toHex(digest));
                }));
    if (!found) return std::optional<std::string>();
    return std::optional<std::string>(found->id);
}

Expected<std::string> LibraryImportService::albumNamed(const std::string& ownerId, const std::string& name) {
    std::lock_guard lock(albumsMu_);
    const auto key = std::make_pair(ownerId, name);
    if (auto it = albumIds_.find(key); it != albumIds_.end()) return it->second;
    OBSCURA_TRY(existing, albums_.list(ownerId));
    for (const auto& view : existing) {
        if (view.album.name == name) return albumIds_[key] = view.album.id;
    }
    OBSCURA_TRY_STATUS(AlbumService::checkName(name));
    OBSCURA_TRY(created, albums_.create(ownerId, NewAlbum{name, "", {}}));
    return albumIds_[key] = created.album.id;
}

Expected<ImportOutcome> LibraryImportService::importFile(ImportFile file) {
    // Taken over from here: removed on every early return, kept only by the import's put.
    OBSCURA_TRY(temp, UploadTempFile::adopt(file.tempPath, file.digest));
    OBSCURA_TRY(head, readHead(file.tempPath));
    OBSCURA_TRY(type, sniffMediaType(head));
    UploadFields fields = fieldsFrom(file.sidecar);
    if (!file.albumName.empty()) {
        OBSCURA_TRY(albumId, albumNamed(file.ownerId, file.albumName));
        fields.albumId = albumId;
    }
    const std::string name = formats::sanitizeClientFileName(file.fileName);
    OBSCURA_TRY(imported, importCompleteFile(upload_, file.ownerId, std::move(temp), *type, name, fields));
    return ImportOutcome{imported.asset.id, imported.created};
}

}  // namespace obscura::images
