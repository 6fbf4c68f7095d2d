// Direct uploads. Looked up by the primary key; the expiry sweep reads the direct_uploads_expiry index.
#include "sql_direct_uploads_repository.hpp"

namespace obscura::sql {

namespace {

constexpr std::string_view kSelectDirectUpload =
    "SELECT id, owner_id, object_key, file_name, size_bytes, checksum, album_id, title, description,"
    " created_at_us, expires_at_us, received FROM direct_uploads";

std::vector<storage::DirectUploadRecord> readDirectUploads(Rows& rows) {
    std::vector<storage::DirectUploadRecord> out;
    while (rows.next()) {
        storage::DirectUploadRecord u;
        u.id = rows.text(0);
        u.ownerId = rows.text(1);
        u.objectKey = rows.text(2);
        u.fileName = rows.text(3);
        u.sizeBytes = rows.int64(4);
        u.checksum = rows.text(5);
        u.albumId = rows.text(6);
        u.title = rows.text(7);
        u.description = rows.text(8);
        u.createdAtUs = rows.int64(9);
        u.expiresAtUs = rows.int64(10);
        u.received = rows.boolean(11);
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace

Status SqlDirectUploadsRepository::createDirectUpload(const storage::DirectUploadRecord& u) {
    return guarded(s_, "create direct upload", [&]() -> Status {
        s_.prepare(
              "INSERT INTO direct_uploads (id, owner_id, object_key, file_name, size_bytes, checksum, album_id, title,"
              " description, created_at_us, expires_at_us, received) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(u.id, u.ownerId, u.objectKey, u.fileName, u.sizeBytes, u.checksum, u.albumId, u.title, u.description,
                  u.createdAtUs, u.expiresAtUs, u.received)
            .execute();
        return {};
    });
}

Expected<std::optional<storage::DirectUploadRecord>> SqlDirectUploadsRepository::findDirectUpload(
    const std::string& id) {
    return guarded(s_, "find direct upload", [&]() -> Expected<std::optional<storage::DirectUploadRecord>> {
        auto stmt = s_.prepare(std::string(kSelectDirectUpload) + " WHERE id = ?");
        auto rows = stmt.bind(id).query();
        auto found = readDirectUploads(rows);
        if (found.empty()) return std::optional<storage::DirectUploadRecord>{};
        return std::optional<storage::DirectUploadRecord>(std::move(found.front()));
    });
}

Expected<bool> SqlDirectUploadsRepository::markDirectUploadReceived(const std::string& id) {
    return guarded(s_, "mark direct upload received", [&]() -> Expected<bool> {
        // The WHERE makes the change once: a second (or racing) PUT matches no row.
        return s_.prepare("UPDATE direct_uploads SET received = 1 WHERE id = ? AND received = 0").bind(id).execute() >
               0;
    });
}

Expected<bool> SqlDirectUploadsRepository::deleteDirectUpload(const std::string& id) {
    return guarded(s_, "delete direct upload", [&]() -> Expected<bool> {
        return s_.prepare("DELETE FROM direct_uploads WHERE id = ?").bind(id).execute() > 0;
    });
}

Expected<std::vector<storage::DirectUploadRecord>> SqlDirectUploadsRepository::listExpiredDirectUploads(
    std::int64_t nowUs, int limit) {
    return guarded(s_, "list expired direct uploads", [&]() -> Expected<std::vector<storage::DirectUploadRecord>> {
        auto stmt = s_.prepare(std::string(kSelectDirectUpload) +
                               " WHERE expires_at_us <= ? ORDER BY expires_at_us, id LIMIT ?");
        auto rows = stmt.bind(nowUs, static_cast<std::int64_t>(limit)).query();
        return readDirectUploads(rows);
    });
}

}  // namespace obscura::sql
