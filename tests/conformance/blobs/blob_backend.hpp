#pragma once
// The blob conformance suite's one seam: every case is written once against obscura::blobs::BlobStore (opened
// through the server's real loader) and run against each blob plugin. A backend hands out fresh, empty stores.
//
// Which backends run: OBSCURA_BLOB_BACKEND=<name> picks one (CTest runs one entry per plugin); unset, every
// registered backend whose plugin is built runs. A backend that needs a server it was not given (S3 without
// its OBSCURA_TEST_S3_* variables) says so and exits 77, which CTest shows as Skipped, never as a pass.
#include <functional>
#include <memory>
#include <string>

#include "obscura/blobs/blob_store.hpp"

namespace obscura::conformance {

// One empty store and a folder to write the files put() takes.
class BlobFixture {
public:
    virtual ~BlobFixture() = default;
    virtual blobs::BlobStore& store() = 0;
    // Where a test writes a file before putting it (local: <dataDir>/tmp, so the put is a rename).
    virtual std::string tempDir() const = 0;
};

class BlobBackend {
public:
    virtual ~BlobBackend() = default;
    virtual std::string name() const = 0;
    virtual Expected<std::unique_ptr<BlobFixture>> fresh() = 0;
};

// A backend's file adds itself: `[[maybe_unused]] const bool r = registerBlobBackend("s3", make);`. `make` runs
// only when the backend is selected; it may print why it cannot run and exit 77.
bool registerBlobBackend(const std::string& name, std::function<std::unique_ptr<BlobBackend>()> make);

// Runs fn once per selected backend, with its name attached to every assertion.
void forEachBlobBackend(const std::function<void(BlobBackend&)>& fn);

// Writes `bytes` to a new file in fixture.tempDir() and answers its path.
std::string writeTemp(BlobFixture& fixture, const std::string& bytes);
// Reads a whole reader (small objects only).
Expected<std::string> readAll(blobs::BlobReader& reader);

}  // namespace obscura::conformance
