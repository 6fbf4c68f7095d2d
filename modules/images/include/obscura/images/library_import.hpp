#pragma once
// `obscura import` (DESIGN.md section 12) hands files to the images module here, so a folder or a Google Takeout
// goes through the very import of POST /api/assets (upload_routes.hpp: importCompleteFile): sniffed type,
// SHA-1 dedup per owner, quota, EXIF, the row and its derivatives job in one transaction, asset.created, the
// album. The caller (app/import/) walks folders and archives, reads sidecars and writes each file it keeps into
// a temp folder of ours, hashing it as it writes; it never sees images' storage or the library's layout.
//
// Registered in the ServiceRegistry at onAllLoaded(). Thread-safe: several files may be imported at once.
#include <optional>
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/base/rfc3339.hpp"
#include "obscura/formats/sha1.hpp"

namespace obscura::images {

// What a sidecar beside the original says. Every value that is set wins over the file's own EXIF (the original
// is never modified). Takeout's JSON fills the first five (app/import/takeout_sidecar.hpp).
struct ImportSidecar {
    std::optional<std::string> description;
    std::optional<Rfc3339> takenAt;
    std::optional<double> latitude;  // both or neither
    std::optional<double> longitude;
    std::optional<bool> favorite;
    std::optional<std::string> title;
    // The bytes of an XMP sidecar found beside the original (`IMG_1.jpg.xmp`, `IMG_1.xmp`), untouched: the
    // images module's XMP reader (issue 23, RAW/XMP part) reads them; until it is merged they are kept nowhere.
    std::string xmp;
};

struct ImportFile {
    std::string ownerId;
    std::string tempPath;        // a complete file in a folder from makeTempDir(): taken over, kept or removed
    formats::Sha1Digest digest;  // of exactly tempPath's bytes
    std::string fileName;        // the asset's originalFileName (sanitized here)
    std::string albumName;       // "": none; else the owner's album of that name, created when missing
    ImportSidecar sidecar;
};

struct ImportOutcome {
    std::string assetId;
    bool created = false;  // false: the owner already had these bytes (a duplicate); it still joins the album
};

class LibraryImport {
public:
    virtual ~LibraryImport() = default;
    // A new private folder on the library's file system (<dataDir>/import/<uuid>), outside tmp/ and work/, which
    // a server starting on the same data dir empties. removeTempDir() takes it away again.
    virtual Expected<std::string> makeTempDir() = 0;
    virtual void removeTempDir(const std::string& dir) noexcept = 0;
    // The owner's asset with these bytes, if any (a dry run and a second run ask before copying anything).
    virtual Expected<std::optional<std::string>> findByChecksum(const std::string& ownerId,
                                                                const formats::Sha1Digest& digest) = 0;
    // UnsupportedMediaType when the bytes are no photo or video we accept; QuotaExceeded when they do not fit.
    virtual Expected<ImportOutcome> importFile(ImportFile file) = 0;
};

}  // namespace obscura::images
