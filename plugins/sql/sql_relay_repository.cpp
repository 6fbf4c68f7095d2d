// The event relay's log. Both reads are index ranges: the primary key for a replica's tail (id > ?), and
// relay_events_user (user_id, id) for one stream's backlog.
#include "sql_relay_repository.hpp"

#include "sql_dialect.hpp"

namespace obscura::sql {

namespace {

constexpr std::string_view kSelectRelayEvent =
    "SELECT id, origin, user_id, name, data, created_at_us FROM relay_events";

std::vector<storage::RelayEventRecord> readEvents(Rows& rows) {
    std::vector<storage::RelayEventRecord> out;
    while (rows.next()) {
        storage::RelayEventRecord e;
        e.id = rows.int64(0);
        e.origin = rows.text(1);
        e.userId = rows.text(2);
        e.name = rows.text(3);
        e.data = rows.text(4);
        e.createdAtUs = rows.int64(5);
        out.push_back(std::move(e));
    }
    return out;
}

Status checkLimit(int limit) {
    if (limit < 1 || limit > SqlRelayRepository::kMaxLimit)
        return invalid("relay limit must be 1.." + std::to_string(SqlRelayRepository::kMaxLimit));
    return {};
}

}  // namespace

Expected<std::int64_t> SqlRelayRepository::append(const storage::RelayEventRecord& e) {
    if (e.name.empty()) return invalid("a relayed event needs a name");
    return guarded(s_, "append relay event", [&]() -> Expected<std::int64_t> {
        s_.prepare("INSERT INTO relay_events (origin, user_id, name, data, created_at_us) VALUES (?, ?, ?, ?, ?)")
            .bind(e.origin, e.userId, e.name, e.data, e.createdAtUs)
            .execute();
        auto last = s_.prepare(s_.dialect().lastInsertId);
        auto rows = last.query();
        if (!rows.next()) throw SqlError(Failure::Internal, 0, "append relay event: no id");
        return rows.int64(0);
    });
}

Expected<std::vector<storage::RelayEventRecord>> SqlRelayRepository::after(std::int64_t afterId, int limit) {
    OBSCURA_TRY_STATUS(checkLimit(limit));
    return guarded(s_, "read relay events", [&]() -> Expected<std::vector<storage::RelayEventRecord>> {
        auto stmt = s_.prepare(std::string(kSelectRelayEvent) + " WHERE id > ? ORDER BY id LIMIT ?");
        auto rows = stmt.bind(afterId, static_cast<std::int64_t>(limit)).query();
        return readEvents(rows);
    });
}

Expected<std::vector<storage::RelayEventRecord>> SqlRelayRepository::afterForUser(const std::string& userId,
                                                                                  std::int64_t afterId, int limit) {
    OBSCURA_TRY_STATUS(checkLimit(limit));
    return guarded(s_, "read a user's relay events", [&]() -> Expected<std::vector<storage::RelayEventRecord>> {
        auto stmt = s_.prepare(std::string(kSelectRelayEvent) + " WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?");
        auto rows = stmt.bind(userId, afterId, static_cast<std::int64_t>(limit)).query();
        return readEvents(rows);
    });
}

Expected<std::int64_t> SqlRelayRepository::latestId() {
    return guarded(s_, "latest relay event", [&]() -> Expected<std::int64_t> {
        auto stmt = s_.prepare("SELECT MAX(id) FROM relay_events");
        auto rows = stmt.query();
        return rows.next() && !rows.isNull(0) ? rows.int64(0) : std::int64_t{0};
    });
}

Expected<std::int64_t> SqlRelayRepository::prune(std::int64_t createdBeforeUs) {
    return guarded(s_, "prune relay events", [&]() -> Expected<std::int64_t> {
        return s_.prepare("DELETE FROM relay_events WHERE created_at_us < ?").bind(createdBeforeUs).execute();
    });
}

}  // namespace obscura::sql
