#include "import/import_sources.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <memory>

namespace obscura::import {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 1 << 20;

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The archive's name for an entry made safe to use as a label, or why it is refused. Backslashes are taken as
// separators (Windows zips); empty and "." parts are dropped.
Expected<std::string> safeRelPath(std::string_view raw) {
    if (raw.empty()) return badRequest("an entry without a name");
    std::string name(raw);
    std::replace(name.begin(), name.end(), '\\', '/');
    if (name.front() == '/' || (name.size() >= 2 && name[1] == ':'))
        return badRequest("an absolute path inside the archive (not extracted)");
    std::string out;
    std::size_t at = 0;
    while (at <= name.size()) {
        std::size_t slash = name.find('/', at);
        if (slash == std::string::npos) slash = name.size();
        const std::string_view part(name.data() + at, slash - at);
        if (part == "..") return badRequest("a path climbing out of the archive with .. (not extracted)");
        if (!part.empty() && part != ".") {
            if (!out.empty()) out += '/';
            out += part;
        }
        at = slash + 1;
    }
    if (out.empty()) return badRequest("an entry without a name");
    return out;
}

void fillNames(SourceEntry& e) {
    const auto slash = e.relPath.rfind('/');
    e.folder = slash == std::string::npos ? "" : e.relPath.substr(0, slash);
    e.name = slash == std::string::npos ? e.relPath : e.relPath.substr(slash + 1);
}

std::string rootNameOf(const fs::path& p) {
    std::string name = p.filename().string();
    if (name.empty()) name = p.parent_path().filename().string();
    for (std::string_view ext : {".tar.gz", ".tgz", ".zip", ".tar"}) {
        if (endsWith(lower(name), ext)) return name.substr(0, name.size() - ext.size());
    }
    return name;
}

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

Expected<ArchivePtr> openArchive(const std::string& path) {
    ArchivePtr a(archive_read_new(), &archive_read_free);
    if (!a) return internalError("libarchive: out of memory");
    archive_read_support_filter_all(a.get());
    archive_read_support_format_zip(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), kChunk) != ARCHIVE_OK)
        return badRequest("cannot read the archive " + path + ": " + archive_error_string(a.get()));
    return a;
}

Status listArchive(const std::string& path, int index, const Limits& limits, Listing& out) {
    OBSCURA_TRY(a, openArchive(path));
    const std::string root = rootNameOf(path);
    archive_entry* entry = nullptr;
    int rc = ARCHIVE_OK;
    while ((rc = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        const char* raw = archive_entry_pathname_utf8(entry);
        if (raw == nullptr) raw = archive_entry_pathname(entry);
        const std::string shown = path + ":" + (raw != nullptr ? raw : "");
        const auto type = archive_entry_filetype(entry);
        if (type == AE_IFDIR) continue;
        if (type == AE_IFLNK || archive_entry_hardlink(entry) != nullptr) {
            out.refused.push_back({shown, "a link inside the archive (not followed)"});
            continue;
        }
        if (type != AE_IFREG) {
            out.refused.push_back({shown, "not a regular file"});
            continue;
        }
        auto rel = safeRelPath(raw != nullptr ? raw : "");
        if (!rel) {
            out.refused.push_back({shown, rel.error().message});
            continue;
        }
        SourceEntry e;
        e.relPath = *rel;
        e.label = path + ":" + e.relPath;
        e.rootName = root;
        e.archive = index;
        e.size = archive_entry_size_is_set(entry) ? archive_entry_size(entry) : 0;
        fillNames(e);
        if (isSidecarName(e.name)) {
            std::string text;
            const void* buf = nullptr;
            size_t size = 0;
            la_int64_t offset = 0;
            while (archive_read_data_block(a.get(), &buf, &size, &offset) == ARCHIVE_OK &&
                   text.size() <= limits.maxSidecarBytes)
                text.append(static_cast<const char*>(buf), size);
            if (text.size() <= limits.maxSidecarBytes) out.smallTexts.emplace_back(e.label, std::move(text));
        }
        out.files.push_back(std::move(e));
    }
    if (rc != ARCHIVE_EOF)
        out.refused.push_back(
            {path, std::string("the archive is damaged from here on: ") + archive_error_string(a.get())});
    return {};
}

void listFolder(const fs::path& root, Listing& out) {
    const std::string rootName = rootNameOf(root);
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) {
        out.refused.push_back({root.string(), "cannot read the folder: " + ec.message()});
        return;
    }
    for (; it != end; it.increment(ec)) {
        if (ec) {
            out.refused.push_back({root.string(), "cannot read part of the folder: " + ec.message()});
            break;
        }
        const auto status = it->symlink_status(ec);
        if (fs::is_symlink(status)) {
            out.refused.push_back({it->path().string(), "a symbolic link (not followed)"});
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (fs::is_directory(status)) continue;
        if (!fs::is_regular_file(status)) {
            out.refused.push_back({it->path().string(), "not a regular file"});
            continue;
        }
        SourceEntry e;
        e.diskPath = it->path().string();
        e.relPath = it->path().lexically_relative(root).generic_string();
        e.label = e.diskPath;
        e.rootName = rootName;
        e.size = static_cast<std::int64_t>(it->file_size(ec));
        fillNames(e);
        out.files.push_back(std::move(e));
    }
}

}  // namespace

bool isArchiveName(std::string_view path) {
    const std::string l = lower(path);
    return endsWith(l, ".zip") || endsWith(l, ".tgz") || endsWith(l, ".tar.gz") || endsWith(l, ".tar");
}

bool isSidecarName(std::string_view name) {
    const std::string l = lower(name);
    return endsWith(l, ".json") || endsWith(l, ".xmp");
}

Expected<Listing> listSources(const std::vector<std::string>& paths, const Limits& limits) {
    Listing out;
    for (const auto& given : paths) {
        std::error_code ec;
        const fs::path p(given);
        const auto status = fs::status(p, ec);
        if (ec || !fs::exists(status)) return badRequest(given + ": no such file or folder");
        if (fs::is_directory(status)) {
            listFolder(p, out);
        } else if (isArchiveName(given)) {
            const int index = static_cast<int>(out.archives.size());
            out.archives.push_back(given);
            OBSCURA_TRY_STATUS(listArchive(given, index, limits, out));
        } else if (fs::is_regular_file(status)) {
            SourceEntry e;
            e.diskPath = given;
            e.relPath = p.filename().string();
            e.label = given;
            e.rootName = rootNameOf(fs::absolute(p, ec).parent_path());
            e.size = static_cast<std::int64_t>(fs::file_size(p, ec));
            fillNames(e);
            out.files.push_back(std::move(e));
        } else {
            return badRequest(given + ": not a file or folder");
        }
    }
    return out;
}

std::string readSmallFile(const std::string& path, std::uint64_t maxBytes) {
    std::ifstream in(path, std::ios::binary);
    std::string text(maxBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    const auto n = static_cast<std::uint64_t>(in.gcount());
    if (n > maxBytes) return "";
    text.resize(n);
    return text;
}

Status readDiskFile(const SourceEntry& entry, const Limits& limits, const ChunkSink& sink) {
    std::ifstream in(entry.diskPath, std::ios::binary);
    if (!in) return internalError("cannot open " + entry.diskPath);
    std::string buffer(kChunk, '\0');
    std::uint64_t total = 0;
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        if (n == 0) break;
        total += n;
        if (total > limits.maxFileBytes) return Error(ErrorCode::PayloadTooLarge, "larger than images.maxUploadBytes");
        OBSCURA_TRY_STATUS(sink(std::string_view(buffer.data(), n)));
    }
    if (in.bad()) return internalError("cannot read " + entry.diskPath);
    return {};
}

Status readArchive(const std::string& path, int archiveIndex, const Limits& limits, const ArchiveVisitor& visitor) {
    (void)archiveIndex;
    OBSCURA_TRY(a, openArchive(path));
    archive_entry* header = nullptr;
    int rc = ARCHIVE_OK;
    while ((rc = archive_read_next_header(a.get(), &header)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
        if (visitor.stop()) return Error(ErrorCode::Unavailable, "interrupted", "interrupted");
        if (archive_entry_filetype(header) != AE_IFREG || archive_entry_hardlink(header) != nullptr) continue;
        const char* raw = archive_entry_pathname_utf8(header);
        if (raw == nullptr) raw = archive_entry_pathname(header);
        auto rel = safeRelPath(raw != nullptr ? raw : "");
        if (!rel) continue;
        const SourceEntry* entry = visitor.wanted(*rel);
        if (entry == nullptr) continue;
        ChunkSink sink = visitor.begin(*entry);
        const auto startCompressed = archive_filter_bytes(a.get(), -1);
        std::uint64_t total = 0;
        Status outcome;
        const void* buf = nullptr;
        size_t size = 0;
        la_int64_t offset = 0;
        int r = ARCHIVE_OK;
        while ((r = archive_read_data_block(a.get(), &buf, &size, &offset)) == ARCHIVE_OK) {
            total += size;
            if (total > limits.maxFileBytes) {
                outcome = Error(ErrorCode::PayloadTooLarge, "larger than images.maxUploadBytes (not extracted)");
                break;
            }
            const auto compressed = static_cast<std::uint64_t>(
                std::max<la_int64_t>(1, archive_filter_bytes(a.get(), -1) - startCompressed));
            if (total > limits.ratioAfterBytes && total > compressed * limits.maxRatio) {
                outcome =
                    Error(ErrorCode::PayloadTooLarge, "expands more than " + std::to_string(limits.maxRatio) +
                                                          " times its compressed size: a zip bomb (not extracted)");
                break;
            }
            outcome = sink(std::string_view(static_cast<const char*>(buf), size));
            if (!outcome) break;
        }
        if (outcome && r != ARCHIVE_EOF && r != ARCHIVE_OK)
            outcome = badRequest(std::string("damaged inside the archive: ") + archive_error_string(a.get()));
        visitor.end(*entry, std::move(outcome));
    }
    if (rc != ARCHIVE_EOF) return badRequest("the archive " + path + " is damaged: " + archive_error_string(a.get()));
    return {};
}

}  // namespace obscura::import
