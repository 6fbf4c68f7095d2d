#pragma once
// The images module's bytes: the upload route, the download routes, the temp area and the start-up library
// check — one object the module holds, so the module file stays about wiring.
#include <memory>
#include <string>

#include "obscura/base/expected.hpp"

namespace obscura {
class Config;
class ModuleContext;
class Router;
}  // namespace obscura

namespace obscura::storage {
class Repositories;
}

namespace obscura::images {

class BandwidthMeter;
struct DownloadDeps;
struct UploadDeps;

class AssetBytes {
public:
    // Prepares the temp area (a shared database: this instance's folder, stale ones of others removed).
    // Throws ModuleStartError when the data dir cannot be used.
    AssetBytes(const Config& config, ModuleContext& ctx);
    ~AssetBytes();

    Status addRoutes(Router& router);
    // The download answers, for share links' media.
    DownloadDeps& downloads();
    // The import every upload ends in, for `obscura import` (library_import_service.hpp).
    UploadDeps& upload();
    // The monthly bandwidth counter, for what other modules serve (AssetSource::countServed).
    BandwidthMeter& bandwidth();
    // A user's deletion: the bytes of their unfinished resumable uploads (resumable_service.hpp noteUploadsOf).
    Status beforeUserDeleted(storage::Repositories& tx, const std::string& userId);
    void userDeleted(const std::string& userId) noexcept;
    // The background library check (orphan census); stop() interrupts it.
    void start();
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace obscura::images
