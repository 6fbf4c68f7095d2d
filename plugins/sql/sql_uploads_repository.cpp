// Resumable uploads. Every change of the offset or the lease is one compare-and-set UPDATE whose WHERE names
// what the caller believes (the writer token, the offset it started at): of two replicas racing, the database
// lets exactly one statement match. Reads are primary-key lookups; the sweeper reads uploads_expiry.
#include "sql_uploads_repository.hpp"

namespace obscura::sql {

namespace {

constexpr std::string_view kUploadSelect =
    "SELECT id, owner_id, upload_length, upload_offset, metadata, state, asset_id, error, writer, writer_until_us,"
    " created_at, created_at_us, expires_at_us, COALESCE(p.parts_id, ''), COALESCE(p.parts, '')"
    " FROM uploads LEFT JOIN upload_parts p ON p.upload_id = uploads.id";

std::vector<storage::UploadRecord> readUploads(Rows& rows) {
    std::vector<storage::UploadRecord> out;
    while (rows.next()) {
        storage::UploadRecord u;
        u.id = rows.text(0);
        u.ownerId = rows.text(1);
        u.length = rows.optionalInt64(2);
        u.offset = rows.int64(3);
        u.metadataJson = rows.text(4);
        u.state = rows.text(5);
        u.assetId = rows.optionalText(6);
        u.error = rows.text(7);
        u.writer = rows.text(8);
        u.writerUntilUs = rows.int64(9);
        u.createdAt = rows.text(10);
        u.createdAtUs = rows.int64(11);
        u.expiresAtUs = rows.int64(12);
        u.partsId = rows.text(13);
        u.partsJson = rows.text(14);
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace

Status SqlUploadsRepository::createUpload(const storage::UploadRecord& u) {
    return guarded(s_, "create upload", [&]() -> Status {
        s_.prepare(
              "INSERT INTO uploads (id, owner_id, upload_length, upload_offset, metadata, state, asset_id, error,"
              " writer, writer_until_us, created_at, created_at_us, expires_at_us)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(u.id, u.ownerId, u.length, u.offset, u.metadataJson, u.state, u.assetId, u.error, u.writer,
                  u.writerUntilUs, u.createdAt, u.createdAtUs, u.expiresAtUs)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::UploadRecord>> SqlUploadsRepository::findUpload(const std::string& ownerId,
                                                                                const std::string& id) {
    return guarded(s_, "find upload", [&]() -> Expected<std::optional<storage::UploadRecord>> {
        auto stmt = s_.prepare(std::string(kUploadSelect) + " WHERE uploads.id = ? AND owner_id = ?");
        auto rows = stmt.bind(id, ownerId).query();
        auto found = readUploads(rows);
        if (found.empty()) return std::optional<storage::UploadRecord>{};
        return std::optional<storage::UploadRecord>(std::move(found.front()));
    });
}

Expected<bool> SqlUploadsRepository::claimWriter(const std::string& id, const std::string& writer, std::int64_t offset,
                                                 std::int64_t nowUs, std::int64_t untilUs) {
    return guarded(s_, "claim upload writer", [&]() -> Expected<bool> {
        return s_.prepare(
                     "UPDATE uploads SET writer = ?, writer_until_us = ? WHERE id = ? AND state = 'open'"
                     " AND upload_offset = ? AND (writer = '' OR writer_until_us < ?)")
                   .bind(writer, untilUs, id, offset, nowUs)
                   .execute() > 0;
    });
}

Expected<bool> SqlUploadsRepository::renewWriter(const std::string& id, const std::string& writer,
                                                 std::int64_t untilUs) {
    return guarded(s_, "renew upload writer", [&]() -> Expected<bool> {
        // The new expiry always differs from the old one (time moved), so MySQL's changed-rows count is 1 too.
        return s_.prepare("UPDATE uploads SET writer_until_us = ? WHERE id = ? AND writer = ? AND writer <> ''")
                   .bind(untilUs, id, writer)
                   .execute() > 0;
    });
}

Expected<bool> SqlUploadsRepository::advanceOffset(const std::string& id, const std::string& writer,
                                                   std::int64_t fromOffset, std::int64_t toOffset,
                                                   std::optional<std::int64_t> length, const std::string& state,
                                                   std::int64_t expiresAtUs, bool release) {
    return guarded(s_, "advance upload offset", [&]() -> Expected<bool> {
        // writer_until_us changes too (to 0 on release, or a mark that differs), so a matched row always counts
        // as changed, on MySQL as well.
        return s_.prepare(
                     "UPDATE uploads SET upload_offset = ?, upload_length = COALESCE(?, upload_length), state = ?,"
                     " expires_at_us = ?, writer = CASE WHEN ? = 1 THEN '' ELSE writer END,"
                     " writer_until_us = CASE WHEN ? = 1 THEN 0 ELSE writer_until_us + 1 END"
                     " WHERE id = ? AND writer = ? AND writer <> '' AND upload_offset = ?")
                   .bind(toOffset, length, state, expiresAtUs, release, release, id, writer, fromOffset)
                   .execute() > 0;
    });
}

Status SqlUploadsRepository::releaseWriter(const std::string& id, const std::string& writer) {
    return guarded(s_, "release upload writer", [&]() -> Status {
        s_.prepare("UPDATE uploads SET writer = '', writer_until_us = 0 WHERE id = ? AND writer = ?")
            .bind(id, writer)
            .execute();
        return {};
    });
}

Status SqlUploadsRepository::finishUpload(const std::string& id, const std::string& state,
                                          const std::optional<std::string>& assetId, const std::string& error,
                                          std::int64_t expiresAtUs) {
    return guarded(s_, "finish upload", [&]() -> Status {
        s_.prepare(
              "UPDATE uploads SET state = ?, asset_id = ?, error = ?, expires_at_us = ?, writer = '',"
              " writer_until_us = 0 WHERE id = ?")
            .bind(state, assetId, error, expiresAtUs, id)
            .execute();
        return {};
    });
}

Expected<bool> SqlUploadsRepository::deleteUpload(const std::string& ownerId, const std::string& id) {
    return guarded(s_, "delete upload", [&]() -> Expected<bool> {
        return s_.prepare("DELETE FROM uploads WHERE id = ? AND owner_id = ?").bind(id, ownerId).execute() > 0;
    });
}

Expected<std::vector<storage::UploadRecord>> SqlUploadsRepository::listExpiredUploads(std::int64_t nowUs, int limit) {
    return guarded(s_, "list expired uploads", [&]() -> Expected<std::vector<storage::UploadRecord>> {
        auto stmt =
            s_.prepare(std::string(kUploadSelect) + " WHERE expires_at_us < ? ORDER BY expires_at_us, id LIMIT ?");
        auto rows = stmt.bind(nowUs, limit).query();
        return readUploads(rows);
    });
}

Status SqlUploadsRepository::removeUpload(const std::string& id) {
    return guarded(s_, "remove upload", [&]() -> Status {
        s_.prepare("DELETE FROM uploads WHERE id = ?").bind(id).execute();
        return {};
    });
}

Status SqlUploadsRepository::createUploadParts(const std::string& id, const std::string& partsId) {
    return guarded(s_, "create upload parts", [&]() -> Status {
        s_.prepare("INSERT INTO upload_parts (upload_id, parts_id, parts) VALUES (?, ?, '[]')")
            .bind(id, partsId)
            .execute();
        return {};
    });
}

Status SqlUploadsRepository::setUploadParts(const std::string& id, const std::string& partsJson) {
    return guarded(s_, "set upload parts", [&]() -> Status {
        s_.prepare("UPDATE upload_parts SET parts = ? WHERE upload_id = ?").bind(partsJson, id).execute();
        return {};
    });
}

Expected<std::vector<storage::UploadRecord>> SqlUploadsRepository::listUploadsOf(const std::string& ownerId) {
    return guarded(s_, "list uploads of a user", [&]() -> Expected<std::vector<storage::UploadRecord>> {
        auto stmt = s_.prepare(std::string(kUploadSelect) + " WHERE owner_id = ? ORDER BY uploads.id");
        auto rows = stmt.bind(ownerId).query();
        return readUploads(rows);
    });
}

}  // namespace obscura::sql
