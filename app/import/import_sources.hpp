#pragma once
// What `obscura import` reads (DESIGN.md section 12): folders walked on disk and archives (Google Takeout's .zip
// or .tgz, any zip or tar) read as streams through libarchive. An archive is never extracted by its names: each
// entry's bytes go to a temp file of our own choosing, its name is only a label (album, sidecar matching), and a
// name that is absolute, climbs out with "..", or an entry that is a link is refused before a byte is read.
// Every read is bounded: an entry larger than the upload limit or expanding like a zip bomb stops at once.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura::import {

// One file found: on disk (diskPath) or inside an archive (archive index and entry name).
struct SourceEntry {
    std::string label;     // shown in the summary: "<PATH>/<relPath>" or "<archive>:<relPath>"
    std::string relPath;   // '/'-separated, below the PATH given; validated (no "..", not absolute)
    std::string folder;    // relPath's parent, "" at the top
    std::string name;      // relPath's last part
    std::string rootName;  // the PATH's own name (a folder's or an archive's, without .zip/.tgz)
    std::string diskPath;  // a file on disk; "" inside an archive
    int archive = -1;      // index into Listing::archives
    std::int64_t size = 0;
};

struct Refusal {
    std::string label;
    std::string reason;
};

struct Listing {
    std::vector<std::string> archives;  // paths of the archives given
    std::vector<SourceEntry> files;     // everything that is a regular file, sidecars included
    std::vector<Refusal> refused;       // links, unsafe names, unreadable folders
    // Small text entries of archives (JSON, XMP sidecars), read while listing: sidecars may sit in another
    // archive of the same Takeout than their photo. Keyed by SourceEntry::label.
    std::vector<std::pair<std::string, std::string>> smallTexts;
};

struct Limits {
    std::uint64_t maxFileBytes = 0;           // images.maxUploadBytes: a larger entry is refused
    std::uint64_t maxSidecarBytes = 1 << 20;  // JSON and XMP sidecars
    // An archive entry that has grown past `ratioAfterBytes` while expanding more than `maxRatio` times its
    // compressed size is a zip bomb: refused. Photos and videos hardly compress at all.
    std::uint64_t ratioAfterBytes = 8 << 20;
    std::uint64_t maxRatio = 100;
};

bool isArchiveName(std::string_view path);
bool isSidecarName(std::string_view name);  // .json, .xmp (any case)

// Lists every PATH: a folder (recursively, links not followed), an archive, or one file.
Expected<Listing> listSources(const std::vector<std::string>& paths, const Limits& limits);

// Reads one sidecar on disk (bounded), "" when it cannot be read.
std::string readSmallFile(const std::string& path, std::uint64_t maxBytes);

// Receives an entry's bytes in order. Returning an error stops the read (the error is the read's answer).
using ChunkSink = std::function<Status(std::string_view chunk)>;

// Streams a file on disk into `sink`; refuses one larger than limits.maxFileBytes.
Status readDiskFile(const SourceEntry& entry, const Limits& limits, const ChunkSink& sink);

// Streams the chosen entries of one archive, in the archive's order: `wanted` says (by relPath) whether an
// entry is read; `begin` is called before an entry's bytes, `sink` with them, `end` with the outcome (the
// entry's refusal, e.g. a zip bomb, or success). Stops early, answering Unavailable with reason "interrupted", once
// `stop()` is true.
struct ArchiveVisitor {
    std::function<const SourceEntry*(const std::string& relPath)> wanted;
    std::function<ChunkSink(const SourceEntry&)> begin;
    std::function<void(const SourceEntry&, Status outcome)> end;
    std::function<bool()> stop;
};
Status readArchive(const std::string& path, int archiveIndex, const Limits& limits, const ArchiveVisitor& visitor);

}  // namespace obscura::import
