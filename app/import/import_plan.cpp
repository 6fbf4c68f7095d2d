#include "import/import_plan.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "import/takeout_sidecar.hpp"

namespace obscura::import {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool endsWithI(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}

// A Takeout's year folders ("Photos from 2019", by language) hold every photo and are no album.
bool isYearFolder(const std::string& name) {
    return name.size() >= 4 && std::all_of(name.end() - 4, name.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string lastPart(const std::string& folder) {
    const auto slash = folder.rfind('/');
    return slash == std::string::npos ? folder : folder.substr(slash + 1);
}

// The files of one folder of one source, with their sidecars' text at hand.
struct Folder {
    std::vector<const SourceEntry*> media;
    std::vector<const SourceEntry*> json;
    std::vector<const SourceEntry*> xmp;
};

class Planner {
public:
    Planner(const Listing& listing, const Limits& limits, const PlanOptions& options)
        : listing_(listing), limits_(limits), options_(options) {
        for (const auto& [label, text] : listing.smallTexts) texts_[label] = &text;
    }

    Plan run() {
        std::map<std::string, Folder> folders;  // by (root, folder)
        for (const auto& e : listing_.files) {
            Folder& f = folders[std::to_string(e.archive) + "\n" + e.rootName + "\n" + e.folder];
            if (endsWithI(e.name, ".json")) {
                f.json.push_back(&e);
            } else if (endsWithI(e.name, ".xmp")) {
                f.xmp.push_back(&e);
            } else {
                f.media.push_back(&e);
            }
        }
        for (auto& [key, folder] : folders) planFolder(folder);
        return std::move(plan_);
    }

private:
    std::string textOf(const SourceEntry& e) {
        if (!e.diskPath.empty()) return readSmallFile(e.diskPath, limits_.maxSidecarBytes);
        auto it = texts_.find(e.label);
        return it == texts_.end() ? std::string() : *it->second;
    }

    std::string albumOf(const SourceEntry& sample, const Folder& folder, std::vector<bool>& albumJson) {
        albumJson.assign(folder.json.size(), false);
        std::optional<std::string> title;
        if (options_.takeout) {
            for (std::size_t i = 0; i < folder.json.size(); ++i) {
                if (auto t = parseAlbumMetadata(textOf(*folder.json[i]))) {
                    albumJson[i] = true;
                    if (!title) title = *t;
                }
            }
        }
        const std::string name = sample.folder.empty() ? sample.rootName : lastPart(sample.folder);
        if (title) return title->empty() ? name : *title;
        if (!options_.albumFromFolder) return "";
        if (options_.takeout && (isYearFolder(name) || sample.folder.empty())) return "";
        return name;
    }

    void planFolder(const Folder& folder) {
        if (folder.media.empty()) return;
        std::vector<bool> albumJson;
        const std::string album = albumOf(*folder.media.front(), folder, albumJson);
        std::vector<std::string> jsonNames;
        for (std::size_t i = 0; i < folder.json.size(); ++i)
            jsonNames.push_back(albumJson[i] ? "" : folder.json[i]->name);
        for (const SourceEntry* media : folder.media) {
            PlannedFile p;
            p.entry = media;
            p.fileName = media->name;
            p.album = album;
            if (options_.takeout && !takeoutSidecar(*media, folder, jsonNames, p)) continue;
            attachXmp(*media, folder, p);
            plan_.files.push_back(std::move(p));
        }
    }

    // False when the file is not to be imported (it was in Google Photos' trash).
    bool takeoutSidecar(const SourceEntry& media, const Folder& folder, const std::vector<std::string>& jsonNames,
                        PlannedFile& p) {
        auto match = matchTakeoutSidecar(media.name, jsonNames);
        if (!match) {
            if (auto original = uneditedName(media.name); !original.empty())
                match = matchTakeoutSidecar(original, jsonNames);
        }
        if (!match) return true;
        auto parsed = parseTakeoutSidecar(textOf(*folder.json[*match]), options_.nowSeconds);
        if (!parsed) {
            plan_.warnings.push_back({media.label, folder.json[*match]->name + ": " + parsed.error().message});
            return true;
        }
        if (parsed->trashed) {
            plan_.skipped.push_back({media.label, "in Google Photos' trash"});
            return false;
        }
        for (auto& w : parsed->warnings) plan_.warnings.push_back({media.label, std::move(w)});
        p.sidecar = std::move(parsed->values);
        // The JSON's title is the full name where the archive's was cut; an edited copy keeps its own.
        if (!parsed->title.empty() && uneditedName(media.name).empty() && parsed->title.size() > media.name.size())
            p.fileName = parsed->title;
        return true;
    }

    // "IMG_1.jpg.xmp" or "IMG_1.xmp" beside the file.
    void attachXmp(const SourceEntry& media, const Folder& folder, PlannedFile& p) {
        const auto dot = media.name.rfind('.');
        const std::string stem = dot == std::string::npos ? media.name : media.name.substr(0, dot);
        for (const SourceEntry* x : folder.xmp) {
            const std::string base = lower(x->name.substr(0, x->name.size() - 4));
            if (base == lower(media.name) || base == lower(stem)) {
                p.sidecar.xmp = textOf(*x);
                return;
            }
        }
    }

    const Listing& listing_;
    const Limits& limits_;
    const PlanOptions& options_;
    std::map<std::string, const std::string*> texts_;
    Plan plan_;
};

}  // namespace

Plan makePlan(const Listing& listing, const Limits& limits, const PlanOptions& options) {
    return Planner(listing, limits, options).run();
}

}  // namespace obscura::import
