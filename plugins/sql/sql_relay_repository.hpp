#pragma once
#include "obscura/storage/relay_repository.hpp"
#include "sql_session.hpp"

namespace obscura::sql {

// The event relay's log (relay_events), on one borrowed connection. Every statement stands alone: an append
// commits by itself when the caller runs outside a transaction, which is how the relay calls it, so other
// replicas see the event at once.
class SqlRelayRepository final : public storage::RelayRepository {
public:
    static constexpr int kMaxLimit = 10000;

    explicit SqlRelayRepository(Session& session) : s_(session) {}

    Expected<std::int64_t> append(const storage::RelayEventRecord& event) override;
    Expected<std::vector<storage::RelayEventRecord>> after(std::int64_t afterId, int limit) override;
    Expected<std::vector<storage::RelayEventRecord>> afterForUser(const std::string& userId, std::int64_t afterId,
                                                                  int limit) override;
    Expected<std::int64_t> latestId() override;
    Expected<std::int64_t> prune(std::int64_t createdBeforeUs) override;

private:
    Session& s_;
};

}  // namespace obscura::sql
