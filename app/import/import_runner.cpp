#include "import/import_runner.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "obscura/base/ids.hpp"
#include "obscura/formats/content_sniffer.hpp"
#include "obscura/images/media_types.hpp"

namespace obscura::import {

namespace {

// A bounded hand-over from the reading thread to the workers: an archive is never extracted far ahead.
class TaskQueue {
public:
    explicit TaskQueue(std::size_t capacity) : capacity_(capacity) {}
    void push(std::function<void()> task) {
        std::unique_lock lock(mu_);
        notFull_.wait(lock, [&] { return tasks_.size() < capacity_; });
        tasks_.push_back(std::move(task));
        notEmpty_.notify_one();
    }
    void close() {
        std::lock_guard lock(mu_);
        closed_ = true;
        notEmpty_.notify_all();
    }
    bool pop(std::function<void()>& task) {
        std::unique_lock lock(mu_);
        notEmpty_.wait(lock, [&] { return closed_ || !tasks_.empty(); });
        if (tasks_.empty()) return false;
        task = std::move(tasks_.front());
        tasks_.pop_front();
        notFull_.notify_one();
        return true;
    }

private:
    std::mutex mu_;
    std::condition_variable notEmpty_, notFull_;
    std::deque<std::function<void()>> tasks_;
    std::size_t capacity_;
    bool closed_ = false;
};

// Where one file's bytes go: a temp file (unless `path` is empty: a dry run only hashes), the SHA-1, and the
// sniffer, which refuses a file that is no photo or video after its first 4 KiB — before the rest is read.
class EntryWriter {
public:
    explicit EntryWriter(std::string path) : path_(std::move(path)), sha_(formats::Sha1::create()) {
        if (!path_.empty()) file_ = std::fopen(path_.c_str(), "wbx");
    }
    ~EntryWriter() {
        if (file_ != nullptr) std::fclose(file_);
    }
    EntryWriter(const EntryWriter&) = delete;
    EntryWriter& operator=(const EntryWriter&) = delete;

    Status write(std::string_view chunk) {
        if (!sha_) return internalError("cannot hash: " + sha_.error().message);
        if (!path_.empty() && file_ == nullptr) return internalError("cannot create " + path_);
        if (!sniffed_) {
            head_.append(chunk.substr(0, std::min(chunk.size(), formats::kSniffBytes - head_.size())));
            if (head_.size() >= formats::kSniffBytes) OBSCURA_TRY_STATUS(sniff());
        }
        sha_->update(chunk);
        size_ += static_cast<std::int64_t>(chunk.size());
        if (file_ != nullptr && std::fwrite(chunk.data(), 1, chunk.size(), file_) != chunk.size())
            return internalError("cannot write " + path_ + " (disk full?)");
        return {};
    }
    // Ends writing; answers why the file is refused, if it is.
    Status finish() {
        if (!sniffed_) OBSCURA_TRY_STATUS(sniff());
        if (file_ != nullptr && std::fclose(std::exchange(file_, nullptr)) != 0)
            return internalError("cannot write " + path_);
        digest_ = sha_->finish();
        return {};
    }
    const formats::Sha1Digest& digest() const { return digest_; }
    std::int64_t size() const { return size_; }

private:
    Status sniff() {
        sniffed_ = true;
        OBSCURA_TRY(type, images::sniffMediaType(head_));
        (void)type;
        return {};
    }

    std::string path_;
    std::FILE* file_ = nullptr;
    Expected<formats::Sha1> sha_;
    std::string head_;
    bool sniffed_ = false;
    std::int64_t size_ = 0;
    formats::Sha1Digest digest_{};
};

// Refused by what the file is (skipped) or by something going wrong (failed).
bool isSkip(const Error& e) {
    return e.code == ErrorCode::UnsupportedMediaType || e.code == ErrorCode::PayloadTooLarge ||
           e.code == ErrorCode::BadRequest;
}

class Runner {
public:
    Runner(const Listing& listing, const Limits& limits, const RunOptions& options, images::LibraryImport& library,
           ImportReport& report, const std::atomic<bool>& stop)
        : listing_(listing),
          limits_(limits),
          options_(options),
          library_(library),
          report_(report),
          stop_(stop),
          queue_(static_cast<std::size_t>(options.jobs) * 2) {}

    void run(const Plan& plan) {
        std::vector<std::thread> workers;
        for (int i = 0; i < options_.jobs; ++i) workers.emplace_back([this] { work(); });
        std::vector<std::map<std::string, const PlannedFile*>> byArchive(listing_.archives.size());
        for (const auto& p : plan.files) {
            if (p.entry->archive >= 0) {
                byArchive[static_cast<std::size_t>(p.entry->archive)][p.entry->relPath] = &p;
            } else if (!stop_) {
                queue_.push([this, &p] { diskFile(p); });
            }
        }
        for (std::size_t a = 0; a < byArchive.size() && !stop_; ++a) readOne(a, byArchive[a]);
        queue_.close();
        for (auto& w : workers) w.join();
    }

private:
    void work() {
        std::function<void()> task;
        while (queue_.pop(task)) {
            if (!stop_) task();  // after a stop, queued files are dropped: the next run imports them
        }
    }

    void outcome(const PlannedFile& p, const Error& e) {
        (isSkip(e) ? report_.skipped({p.entry->label, e.message}) : report_.failed({p.entry->label, e.message}));
    }

    std::string tempPath() const { return options_.tempDir + "/" + newUuid() + ".part"; }

    // Into the library (or, dry, only counted). The file at `path` is the library's after this, or removed.
    void importTemp(const PlannedFile& p, const std::string& path, const formats::Sha1Digest& digest,
                    std::int64_t size) {
        images::ImportFile file{options_.ownerId, path, digest, p.fileName, p.album, p.sidecar};
        auto done = library_.importFile(std::move(file));
        if (!done) return outcome(p, done.error());
        done->created ? report_.imported(size) : report_.duplicate(size);
    }

    // Duplicates counted without a copy when no album asks for them; dry runs stop here.
    bool settledByChecksum(const PlannedFile& p, const formats::Sha1Digest& digest, std::int64_t size) {
        if (!options_.dryRun && !p.album.empty()) return false;
        auto existing = library_.findByChecksum(options_.ownerId, digest);
        if (!existing) {
            outcome(p, existing.error());
            return true;
        }
        if (*existing) {
            report_.duplicate(size);
            return true;
        }
        if (options_.dryRun) {
            // Nothing is stored, so the same bytes seen twice in this run are told apart here.
            std::lock_guard lock(seenMu_);
            seen_.insert(digest).second ? report_.imported(size) : report_.duplicate(size);
            return true;
        }
        return false;
    }

    void diskFile(const PlannedFile& p) {
        EntryWriter hash("");
        Status read = readDiskFile(*p.entry, limits_, [&](std::string_view c) { return hash.write(c); });
        if (read) read = hash.finish();
        if (!read) return outcome(p, read.error());
        if (settledByChecksum(p, hash.digest(), hash.size())) return;
        const std::string path = tempPath();
        EntryWriter copy(path);
        read = readDiskFile(*p.entry, limits_, [&](std::string_view c) { return copy.write(c); });
        if (read) read = copy.finish();
        if (!read) {
            std::remove(path.c_str());
            return outcome(p, read.error());
        }
        importTemp(p, path, copy.digest(), copy.size());
    }

    void readOne(std::size_t index, const std::map<std::string, const PlannedFile*>& wanted) {
        if (wanted.empty()) return;
        std::unique_ptr<EntryWriter> writer;
        std::string path;
        ArchiveVisitor visitor;
        visitor.wanted = [&](const std::string& rel) -> const SourceEntry* {
            auto it = wanted.find(rel);
            return it == wanted.end() ? nullptr : it->second->entry;
        };
        visitor.begin = [&](const SourceEntry&) -> ChunkSink {
            path = options_.dryRun ? "" : tempPath();
            writer = std::make_unique<EntryWriter>(path);
            return [&](std::string_view c) { return writer->write(c); };
        };
        visitor.end = [&](const SourceEntry& e, Status status) {
            const PlannedFile& p = *wanted.at(e.relPath);
            if (status) status = writer->finish();
            if (!status) {
                if (!path.empty()) std::remove(path.c_str());
                return outcome(p, status.error());
            }
            if (options_.dryRun) {
                settledByChecksum(p, writer->digest(), writer->size());
                return;
            }
            queue_.push([this, &p, path = path, digest = writer->digest(), size = writer->size()] {
                importTemp(p, path, digest, size);
            });
        };
        visitor.stop = [&] { return stop_.load(); };
        const std::string& archive = listing_.archives[index];
        if (auto s = readArchive(archive, static_cast<int>(index), limits_, visitor);
            !s && s.error().reason != "interrupted")
            report_.failed({archive, s.error().message});
    }

    const Listing& listing_;
    const Limits& limits_;
    const RunOptions& options_;
    images::LibraryImport& library_;
    ImportReport& report_;
    const std::atomic<bool>& stop_;
    TaskQueue queue_;
    std::mutex seenMu_;
    std::set<formats::Sha1Digest> seen_;  // dry run: digests counted so far
};

}  // namespace

void runPlan(const Plan& plan, const Listing& listing, const Limits& limits, const RunOptions& options,
             images::LibraryImport& library, ImportReport& report, const std::atomic<bool>& stop) {
    Runner(listing, limits, options, library, report, stop).run(plan);
}

}  // namespace obscura::import
