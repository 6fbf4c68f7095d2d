#pragma once
// Keeps each asset's `derivatives` field current from media's derivative.created / derivative.failed events
// (images never includes media: the events are declared in images' own events.hpp). With the state it
// records the bytes of the asset's derivatives folder, which usage reports as bytesDerived.
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/bus.hpp"

namespace obscura::storage {
class Storage;
}

namespace obscura::blobs {
class BlobStore;
}

namespace obscura::images {

struct DerivativeCreated;
struct DerivativeFailed;

class DerivativeTracker {
public:
    DerivativeTracker(storage::Storage& storage, blobs::BlobStore& blobs);
    // Subscribes; the subscriptions end with this object (or stop()).
    void start(Bus& bus);
    void stop();

    // The handlers, callable directly by tests.
    void onCreated(const DerivativeCreated& event);
    void onFailed(const DerivativeFailed& event);

    // The same write, answered: media calls it (through AssetSource) before its job may succeed, so a crash
    // between the job's end and the event's delivery cannot leave the asset pending for ever.
    struct Change {
        std::string kind;
        std::string state;
        std::int64_t version = 0;
    };
    Status record(const std::string& assetId, const std::string& ownerId, const std::string& kind,
                  const std::string& state, std::int64_t version);
    // Several kinds of one asset in one transaction (one fsync, not one per kind).
    Status record(const std::string& assetId, const std::string& ownerId, const std::vector<Change>& changes);

private:
    storage::Storage& storage_;
    blobs::BlobStore& blobs_;
    Bus::Subscription created_;
    Bus::Subscription failed_;
};

}  // namespace obscura::images
