// The plugin's only exported symbol (see exports.map): the loader reads abi_version before anything else.
#include <curl/curl.h>

#include <mutex>

#include "obscura/blobs/plugin_abi.hpp"
#include "s3_store.hpp"

namespace {

class S3BlobStoreFactory final : public obscura::blobs::BlobStoreFactory {
public:
    obscura::Expected<std::unique_ptr<obscura::blobs::BlobStore>> open(
        const obscura::blobs::BlobStoreOptions& options) override {
        // curl_global_init is not thread-safe; the executable opens stores once at start, tests may open many.
        static std::once_flag once;
        static CURLcode initialised = CURLE_OK;
        std::call_once(once, [] { initialised = curl_global_init(CURL_GLOBAL_DEFAULT); });
        if (initialised != CURLE_OK) return obscura::internalError("blobs.s3: curl_global_init failed");
        auto settings = obscura::s3::parseS3Settings(options.settings, options.dataDir);
        if (!settings) return settings.error();
        auto store = std::make_unique<obscura::s3::S3BlobStore>(std::move(*settings), options.observe);
        if (auto checked = store->check(); !checked) return checked.error();
        store->sweepStaged();
        return std::unique_ptr<obscura::blobs::BlobStore>(std::move(store));
    }
};

S3BlobStoreFactory gFactory;

const obscura_blobs_plugin_v1 gEntry{obscura::blobs::kBlobsAbiVersion, "s3", &gFactory};

}  // namespace

OBSCURA_BLOBS_EXPORT const obscura_blobs_plugin_v1* obscura_blobs_plugin_entry(void) { return &gEntry; }
