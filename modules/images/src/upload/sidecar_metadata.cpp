#include "upload/sidecar_metadata.hpp"

#include <filesystem>
#include <fstream>

#include "assets/asset_text.hpp"

namespace obscura::images {

namespace fs = std::filesystem;

void attachSidecar(UploadFields& fields, std::string_view xml) {
    auto parsed = formats::parseXmpSidecar(xml);
    if (!parsed) {
        fields.sidecar.reset();
        fields.sidecarIgnored = "the sidecar was ignored: " + parsed.error().message;
        return;
    }
    fields.sidecar = std::move(*parsed);
    fields.sidecarIgnored.clear();
}

std::optional<std::string> findSidecarBeside(const std::string& originalPath) {
    const fs::path original(originalPath);
    const fs::path stem = original.parent_path() / original.stem();
    for (const fs::path& candidate : {fs::path(originalPath + ".xmp"), fs::path(originalPath + ".XMP"),
                                      fs::path(stem.string() + ".xmp"), fs::path(stem.string() + ".XMP")}) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate.string();
    }
    return std::nullopt;
}

void attachSidecarBeside(UploadFields& fields, const std::string& originalPath) {
    auto path = findSidecarBeside(originalPath);
    if (!path) return;
    std::error_code ec;
    const auto size = fs::file_size(*path, ec);
    if (ec || size > formats::kMaxSidecarBytes) {
        fields.sidecarIgnored = "the sidecar was ignored: " +
                                (ec ? "cannot read " + fs::path(*path).filename().string() : "it is larger than 1 MiB");
        return;
    }
    std::ifstream in(*path, std::ios::binary);
    std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) {
        fields.sidecarIgnored = "the sidecar was ignored: cannot read " + fs::path(*path).filename().string();
        return;
    }
    attachSidecar(fields, xml);
}

void applySidecar(const UploadFields& fields, storage::AssetRecord& record, MediaMetadata& meta) {
    if (!fields.sidecar) return;
    const auto& x = *fields.sidecar;
    if (record.title.empty() && x.title && checkTitle(*x.title)) record.title = *x.title;
    if (record.description.empty() && x.description && checkDescription(*x.description))
        record.description = *x.description;
    // Tag by tag: one the rules refuse (a comma, too long) is dropped rather than losing the others.
    std::vector<std::string> tags = record.tags;
    for (const auto& tag : x.tags) {
        if (tags.size() >= kMaxTags) break;
        if (normalizeTags({tag})) tags.push_back(tag);
    }
    if (auto normal = normalizeTags(tags)) record.tags = std::move(*normal);
    if (x.dateTaken) {
        meta.takenWithOffset.reset();
        meta.takenLocal.reset();
        if (x.dateTakenHasOffset) {
            meta.takenWithOffset = parseRfc3339(*x.dateTaken);
        } else {
            meta.takenLocal = *x.dateTaken;
        }
    }
    if (x.rating || x.latitude) meta.exifJson = exifJsonWithSidecar(meta.exifJson, x);
}

}  // namespace obscura::images
