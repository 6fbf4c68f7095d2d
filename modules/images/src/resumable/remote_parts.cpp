#include "resumable/remote_parts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/log.hpp"

namespace obscura::images {

namespace {

// [from, from + length) of the file at `path`, into memory: a tail, fewer than minPartBytes().
Expected<std::string> readRange(const std::string& path, std::int64_t from, std::int64_t length) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return internalError("cannot open " + path);
    std::string bytes(static_cast<std::size_t>(length), '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
        ssize_t n = ::pread(fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(from + std::int64_t(got)));
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (got != bytes.size()) return internalError("the upload's spool file is shorter than its offset");
    return bytes;
}

// The spool file holds exactly `bytes` from position 0 afterwards.
Status rewriteSpool(UploadSpool& spool, const std::string& id, const std::string& bytes) {
    OBSCURA_TRY_STATUS(spool.reset(id));
    OBSCURA_TRY(appender, spool.appendAt(id, 0));
    return appender.write(bytes);
}

}  // namespace

std::string partsObjectKey(const std::string& uploadId) { return "uploads/" + uploadId + "/object"; }

std::string partsTailKey(const std::string& uploadId, std::int64_t offset) {
    return "uploads/" + uploadId + "/tail-" + std::to_string(offset);
}

std::string partsToJson(const std::vector<blobs::BlobPart>& parts) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& p : parts) list.push_back(nlohmann::json::array({p.number, p.etag, p.size}));
    return list.dump();
}

std::vector<blobs::BlobPart> partsFromJson(const std::string& json) {
    std::vector<blobs::BlobPart> out;
    auto parsed = nlohmann::json::parse(json, nullptr, false);
    if (!parsed.is_array()) return out;
    for (const auto& item : parsed) {
        if (!item.is_array() || item.size() != 3 || !item[0].is_number_integer() || !item[1].is_string() ||
            !item[2].is_number_unsigned())
            continue;
        out.push_back(blobs::BlobPart{item[0].get<int>(), item[1].get<std::string>(), item[2].get<std::uint64_t>()});
    }
    return out;
}

std::int64_t partsBytes(const std::vector<blobs::BlobPart>& parts) {
    std::int64_t total = 0;
    for (const auto& p : parts) total += static_cast<std::int64_t>(p.size);
    return total;
}

RemoteParts::RemoteParts(blobs::BlobStore& blobs, UploadSpool& spool, std::string tmpDir)
    : blobs_(blobs), spool_(spool), tmpDir_(std::move(tmpDir)) {}

Expected<std::string> RemoteParts::begin(const std::string& uploadId) {
    return blobs_.beginParts(partsObjectKey(uploadId), {});
}

Expected<SpoolAppender> RemoteParts::appendAt(const storage::UploadRecord& upload) {
    const std::int64_t base = partsBytes(partsFromJson(upload.partsJson));
    if (upload.offset < base) return internalError("an upload's parts run past its offset");
    bool fresh = false;
    {
        std::lock_guard lock(mutex_);
        auto it = local_.find(upload.id);
        fresh = it != local_.end() && it->second.base == base && it->second.end == upload.offset;
    }
    if (!fresh) {
        // Another replica (or this one before a restart) moved the upload: the tail comes from the store.
        std::string tail;
        if (upload.offset > base) {
            auto read = readBlob(blobs_, partsTailKey(upload.id, upload.offset), {}, [&](std::string_view chunk) {
                tail.append(chunk);
                return Status{};
            });
            if (!read) {
                if (read.error().code == ErrorCode::NotFound)
                    return Error(ErrorCode::NotFound, "the upload's bytes are gone; start it again", "upload_gone");
                return std::move(read).error();
            }
            if (static_cast<std::int64_t>(tail.size()) != upload.offset - base)
                return Error(ErrorCode::NotFound, "the upload's bytes are gone; start it again", "upload_gone");
        }
        OBSCURA_TRY_STATUS(rewriteSpool(spool_, upload.id, tail));
        std::lock_guard lock(mutex_);
        local_[upload.id] = LocalTail{base, upload.offset};
    }
    return spool_.appendAt(upload.id, upload.offset - base);
}

Expected<StoredParts> RemoteParts::store(const storage::UploadRecord& upload, std::int64_t to, bool complete) {
    StoredParts stored;
    stored.parts = partsFromJson(upload.partsJson);
    const std::int64_t base = partsBytes(stored.parts);
    const std::int64_t held = to - base;  // bytes in the spool file that count
    const auto minPart = static_cast<std::int64_t>(blobs_.minPartBytes());
    const std::string path = spool_.path(upload.id);
    int number = stored.parts.empty() ? 1 : stored.parts.back().number + 1;
    std::int64_t pos = 0;
    while (held - pos > 0 && (complete || held - pos >= minPart)) {
        const std::int64_t length = std::min<std::int64_t>(held - pos, static_cast<std::int64_t>(kMaxPartBytes));
        OBSCURA_TRY(etag, blobs_.putPart(partsObjectKey(upload.id), upload.partsId, number, path,
                                         static_cast<std::uint64_t>(pos), static_cast<std::uint64_t>(length)));
        stored.parts.push_back(blobs::BlobPart{number++, std::move(etag), static_cast<std::uint64_t>(length)});
        stored.changed = true;
        pos += length;
    }
    if (held - pos > 0) {
        // The rest, fewer than a part's minimum, as the tail ending at `to`.
        OBSCURA_TRY(bytes, readRange(path, pos, held - pos));
        OBSCURA_TRY(temp, PendingBlob::create(tmpDir_, "upload-tail", "part"));
        {
            int fd = ::open(temp.path().c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
            if (fd < 0) return internalError("cannot open " + temp.path());
            const bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
            ::close(fd);
            if (!ok) return internalError("cannot write " + temp.path());
        }
        OBSCURA_TRY_STATUS(temp.put(blobs_, partsTailKey(upload.id, to)));
    }
    return stored;
}

void RemoteParts::committed(const storage::UploadRecord& upload, std::int64_t to, const StoredParts& stored) noexcept {
    const std::int64_t oldBase = partsBytes(partsFromJson(upload.partsJson));
    if (upload.offset > oldBase) {
        if (auto removed = blobs_.remove(partsTailKey(upload.id, upload.offset)); !removed)
            log::warn("uploads: cannot remove an old tail of " + upload.id + ": " + removed.error().message);
    }
    const std::int64_t newBase = partsBytes(stored.parts);
    Status kept;
    if (newBase != oldBase) {
        // The parts sent leave the spool: the file keeps the new tail only.
        auto tail = readRange(spool_.path(upload.id), newBase - oldBase, to - newBase);
        kept = tail ? rewriteSpool(spool_, upload.id, *tail) : Status(std::move(tail).error());
    }
    std::lock_guard lock(mutex_);
    if (kept) {
        local_[upload.id] = LocalTail{newBase, to};
    } else {
        local_.erase(upload.id);  // fetched from the store next time
    }
}

Status RemoteParts::complete(const storage::UploadRecord& upload, const std::vector<blobs::BlobPart>& parts) {
    auto done = blobs_.completeParts(partsObjectKey(upload.id), upload.partsId, parts);
    if (!done && done.error().code == ErrorCode::NotFound) {
        // Completed already by an import that failed later (and is retried now): the object is there.
        auto info = blobs_.stat(partsObjectKey(upload.id));
        if (info && upload.length && info->size == static_cast<std::uint64_t>(*upload.length)) return {};
    }
    return done;
}

Status RemoteParts::drop(const storage::UploadRecord& upload) noexcept {
    {
        std::lock_guard lock(mutex_);
        local_.erase(upload.id);
    }
    spool_.remove(upload.id);
    if (upload.partsId.empty()) return {};
    OBSCURA_TRY_STATUS(blobs_.dropParts(partsObjectKey(upload.id), upload.partsId));
    return blobs_.removePrefix("uploads/" + upload.id + "/");
}

}  // namespace obscura::images
