#pragma once
// The images side of `obscura import` (obscura/images/library_import.hpp): a file someone else found becomes an
// asset through importCompleteFile, exactly as an upload's body does, with its sidecar's values as the upload's
// fields (they win over EXIF as a client's fields do) and its folder's album found or made by name.
#include <map>
#include <mutex>
#include <string>

#include "obscura/images/library_import.hpp"

namespace obscura::images {

struct UploadDeps;
class AlbumService;

class LibraryImportService final : public LibraryImport {
public:
    LibraryImportService(UploadDeps& upload, AlbumService& albums, std::string dataDir)
        : upload_(upload), albums_(albums), dataDir_(std::move(dataDir)) {}

    Expected<std::string> makeTempDir() override;
    void removeTempDir(const std::string& dir) noexcept override;
    Expected<std::optional<std::string>> findByChecksum(const std::string& ownerId,
                                                        const formats::Sha1Digest& digest) override;
    Expected<ImportOutcome> importFile(ImportFile file) override;

private:
    // The owner's album named `name`: the first one by that name, or a new one. Several imports of one folder at
    // once make one album (the lock), and a second run reuses it.
    Expected<std::string> albumNamed(const std::string& ownerId, const std::string& name);

    UploadDeps& upload_;
    AlbumService& albums_;
    std::string dataDir_;
    std::mutex albumsMu_;
    std::map<std::pair<std::string, std::string>, std::string> albumIds_;  // (owner, name) -> id
};

}  // namespace obscura::images
