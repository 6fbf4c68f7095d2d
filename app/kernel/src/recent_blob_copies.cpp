#include "obscura/kernel/recent_blob_copies.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace obscura {

namespace fs = std::filesystem;

RecentBlobCopies& RecentBlobCopies::instance() {
    static RecentBlobCopies copies;
    return copies;
}

void RecentBlobCopies::configure(std::uint64_t maxBytes, std::chrono::seconds maxAge, const std::string& tmpDir) {
    {
        std::lock_guard lock(mutex_);
        maxBytes_ = maxBytes;
        maxAge_ = maxAge;
        evictLocked(std::chrono::steady_clock::now());
    }
    // Links an earlier process kept (it stopped or crashed): older than maxAge, nobody can be about to take them.
    // Younger ones may belong to another process on this tmp/ (a CLI beside the server) and stay.
    std::error_code ec;
    const auto cutoff = fs::file_time_type::clock::now() - maxAge;
    for (const auto& entry : fs::directory_iterator(tmpDir, ec)) {
        if (entry.path().filename().string().rfind("recent-", 0) != 0) continue;
        std::error_code timeEc;
        const auto written = entry.last_write_time(timeEc);
        if (!timeEc && written < cutoff) fs::remove(entry.path(), timeEc);
    }
}

std::optional<std::string> RecentBlobCopies::link(const std::string& sourcePath, std::uint64_t size) {
    {
        std::lock_guard lock(mutex_);
        if (maxBytes_ == 0 || size > maxBytes_ / 2) return std::nullopt;
    }
    const fs::path source(sourcePath);
    std::string target = (source.parent_path() / ("recent-" + source.filename().string())).string();
    if (::link(sourcePath.c_str(), target.c_str()) != 0) return std::nullopt;
    return target;
}

void RecentBlobCopies::keep(const blobs::BlobStore& store, std::string_view key, const std::string& linkPath,
                            std::uint64_t size) {
    std::lock_guard lock(mutex_);
    const std::string id = idOf(store, key);
    if (auto found = byId_.find(id); found != byId_.end()) dropLocked(found->second);
    copies_.push_back(Copy{id, linkPath, size, std::chrono::steady_clock::now()});
    byId_[id] = std::prev(copies_.end());
    bytes_ += size;
    evictLocked(copies_.back().keptAt);
}

void RecentBlobCopies::discard(const std::string& linkPath) { ::unlink(linkPath.c_str()); }

bool RecentBlobCopies::linkCopyTo(const blobs::BlobStore& store, std::string_view key, const std::string& target) {
    std::lock_guard lock(mutex_);
    evictLocked(std::chrono::steady_clock::now());
    auto found = byId_.find(idOf(store, key));
    if (found == byId_.end()) return false;
    if (::link(found->second->path.c_str(), target.c_str()) == 0) return true;
    dropLocked(found->second);  // gone from tmp/ (swept by hand?): read the store instead
    return false;
}

void RecentBlobCopies::forget(const blobs::BlobStore& store, std::string_view key) {
    std::lock_guard lock(mutex_);
    if (auto found = byId_.find(idOf(store, key)); found != byId_.end()) dropLocked(found->second);
}

std::uint64_t RecentBlobCopies::bytesKept() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}

std::string RecentBlobCopies::idOf(const blobs::BlobStore& store, std::string_view key) {
    return std::to_string(reinterpret_cast<std::uintptr_t>(&store)) + "/" + std::string(key);
}

void RecentBlobCopies::evictLocked(std::chrono::steady_clock::time_point now) {
    while (!copies_.empty() && (bytes_ > maxBytes_ || now - copies_.front().keptAt > maxAge_)) {
        dropLocked(copies_.begin());
    }
}

void RecentBlobCopies::dropLocked(std::list<Copy>::iterator it) {
    ::unlink(it->path.c_str());
    bytes_ -= it->size;
    byId_.erase(it->id);
    copies_.erase(it);
}

}  // namespace obscura
