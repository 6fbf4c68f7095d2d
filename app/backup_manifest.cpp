#include "backup_manifest.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace obscura {

namespace {

using nlohmann::json;

json fileJson(const BackupFile& file) { return {{"path", file.path}, {"size", file.size}, {"sha256", file.sha256}}; }

BackupFile fileFrom(const json& j) {
    BackupFile file;
    file.path = j.at("path").get<std::string>();
    file.size = j.at("size").get<std::uint64_t>();
    file.sha256 = j.at("sha256").get<std::string>();
    if (file.path.empty() || file.sha256.size() != 64) throw std::invalid_argument("a file entry is malformed");
    // A key is a relative path inside the backup: nothing may climb out of it.
    if (file.path.front() == '/' || file.path.find("..") != std::string::npos)
        throw std::invalid_argument("a file entry names a path outside the backup: " + file.path);
    return file;
}

Status syncPath(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) return internalError("backup: cannot open " + path + " to sync it");
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return internalError("backup: cannot sync " + path);
    return {};
}

}  // namespace

Status writeManifest(const std::string& dir, const BackupManifest& manifest) {
    json blobs = json::array();
    for (const auto& blob : manifest.blobs) blobs.push_back(fileJson(blob));
    json j = {{"format", "obscura-backup"},
              {"formatVersion", BackupManifest::kFormat},
              {"obscuraVersion", manifest.obscuraVersion},
              {"createdAt", manifest.createdAt},
              {"storagePlugin", manifest.storagePlugin},
              {"blobsPlugin", manifest.blobsPlugin},
              {"blobsIncluded", manifest.blobsIncluded},
              {"database", fileJson(manifest.database)},
              {"secret", manifest.secret ? fileJson(*manifest.secret) : json(nullptr)},
              {"blobs", std::move(blobs)},
              {"vanished", manifest.vanished}};
    const std::string temp = dir + "/.manifest.json.part";
    const std::string final = dir + "/" + kManifestName;
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << j.dump(1) << "\n";
        out.flush();
        if (!out) return internalError("backup: cannot write " + temp);
    }
    OBSCURA_TRY_STATUS(syncPath(temp, O_RDONLY));
    std::error_code ec;
    std::filesystem::rename(temp, final, ec);
    if (ec) return internalError("backup: cannot write " + final + ": " + ec.message());
    return syncPath(dir, O_RDONLY | O_DIRECTORY);
}

Expected<BackupManifest> readManifest(const std::string& dir) {
    const std::string path = dir + "/" + kManifestName;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return invalid("backup: " + dir + " is not a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return invalid("backup: " + dir + " is not a complete backup: it has no " + kManifestName +
                       " (a backup cut short writes none)");
    }
    try {
        const json j = json::parse(in);
        if (j.at("format").get<std::string>() != "obscura-backup") throw std::invalid_argument("not an Obscura backup");
        if (j.at("formatVersion").get<int>() != BackupManifest::kFormat)
            throw std::invalid_argument("format version " + j.at("formatVersion").dump() + " is not known here");
        BackupManifest m;
        m.obscuraVersion = j.at("obscuraVersion").get<std::string>();
        m.createdAt = j.at("createdAt").get<std::string>();
        m.storagePlugin = j.at("storagePlugin").get<std::string>();
        m.blobsPlugin = j.at("blobsPlugin").get<std::string>();
        m.blobsIncluded = j.at("blobsIncluded").get<bool>();
        m.database = fileFrom(j.at("database"));
        if (!j.at("secret").is_null()) m.secret = fileFrom(j.at("secret"));
        for (const auto& blob : j.at("blobs")) m.blobs.push_back(fileFrom(blob));
        m.vanished = j.at("vanished").get<std::vector<std::string>>();
        return m;
    } catch (const std::exception& e) {
        return invalid("backup: " + path + " is malformed: " + e.what());
    }
}

void removeWhatWasMade(const std::string& dir, bool created) {
    std::error_code ec;
    if (created) {
        std::filesystem::remove_all(dir, ec);
        return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
        std::filesystem::remove_all(entry.path(), ec);
}

}  // namespace obscura
