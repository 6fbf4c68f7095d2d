#pragma once
// The event relay's log (DESIGN §9): what one replica publishes that a client waits for, written where it is
// published so every replica on the same database can read it back in id order and hand it to its own event
// streams, and so a client that reconnects (to any replica) with Last-Event-ID gets what it missed. Ids come
// from the database (AUTOINCREMENT / AUTO_INCREMENT), so they are global across replicas and never reused, even
// after pruning. Rows live a few minutes (the relay prunes them); nothing else reads them.
#include <cstdint>
#include <string>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::storage {

struct RelayEventRecord {
    std::int64_t id = 0;  // given by append()
    std::string origin;   // the publishing replica's instance id (it has delivered the event itself)
    std::string userId;   // whose streams receive it; "" for replica-wide notices (job wake-ups)
    std::string name;     // "derivative.created", "job.wake", …
    std::string data;     // the event's JSON text (or a job kind for job.wake)
    std::int64_t createdAtUs = 0;
};

class RelayRepository {
public:
    virtual ~RelayRepository() = default;
    // Appends the event (its id ignored) and answers the id the database gave it.
    virtual Expected<std::int64_t> append(const RelayEventRecord& event) = 0;
    // Every event with id > afterId, in id order, at most limit (1..10000).
    virtual Expected<std::vector<RelayEventRecord>> after(std::int64_t afterId, int limit) = 0;
    // One user's events with id > afterId, in id order, at most limit (1..10000): a reconnecting stream's backlog.
    virtual Expected<std::vector<RelayEventRecord>> afterForUser(const std::string& userId, std::int64_t afterId,
                                                                 int limit) = 0;
    // The highest id given so far that is still kept (0 when the log is empty).
    virtual Expected<std::int64_t> latestId() = 0;
    // Deletes events created before the given time; answers how many.
    virtual Expected<std::int64_t> prune(std::int64_t createdBeforeUs) = 0;
};

}  // namespace obscura::storage
