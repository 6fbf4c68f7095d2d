// Takeout's file naming (takeout_sidecar.hpp). Names are compared as UTF-8 strings; lengths are counted in
// code points, as Google cuts them.
#include <array>
#include <cctype>

#include "import/takeout_sidecar.hpp"

namespace obscura::import {

namespace {

constexpr std::size_t kJsonStemLimit = 46;
constexpr std::string_view kSupplemental = ".supplemental-metadata";
// "-edited" as Google Photos writes it in some of its languages.
constexpr std::array<std::string_view, 7> kEdited = {"-edited",     "-modifié", "-bearbeitet", "-editado",
                                                     "-modificato", "-bewerkt", "-redigerad"};

std::size_t codePoints(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

bool iEndsWith(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    for (std::size_t i = 0; i < suffix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) !=
            std::tolower(static_cast<unsigned char>(suffix[i])))
            return false;
    }
    return true;
}

// "IMG(1).jpg" → {"IMG.jpg", "1"}; for a JSON stem "IMG.jpg(1)" → {"IMG.jpg", "1"}. The counter is the last
// "(digits)" group that sits right before the extension or at the end.
std::pair<std::string, std::string> splitCounter(std::string_view name, bool atEnd) {
    const std::size_t dot = atEnd ? std::string_view::npos : name.rfind('.');
    const std::size_t stop = dot == std::string_view::npos ? name.size() : dot;
    if (stop < 3 || name[stop - 1] != ')') return {std::string(name), ""};
    const std::size_t open = name.rfind('(', stop - 1);
    if (open == std::string_view::npos || open + 2 > stop - 1) return {std::string(name), ""};
    for (std::size_t i = open + 1; i < stop - 1; ++i)
        if (!std::isdigit(static_cast<unsigned char>(name[i]))) return {std::string(name), ""};
    return {std::string(name.substr(0, open)) + std::string(name.substr(stop)),
            std::string(name.substr(open + 1, stop - 1 - open - 1))};
}

// How well `jsonName` names `mediaName`: 2 exact, 1 by a cut name, 0 not at all.
int score(std::string_view mediaName, std::string_view jsonName) {
    if (!iEndsWith(jsonName, ".json")) return 0;
    const auto [media, mediaCounter] = splitCounter(mediaName, false);
    const auto [stem, jsonCounter] = splitCounter(jsonName.substr(0, jsonName.size() - 5), true);
    if (mediaCounter != jsonCounter) return 0;
    const std::string full = media + std::string(kSupplemental);
    if (stem == media || stem == full) return 2;
    // Cut to 46 code points: the stem is a prefix of "<media>.supplemental-metadata" of exactly that length.
    // The media name itself may have been cut to 47 + extension, so compare without its extension too.
    if (codePoints(stem) != kJsonStemLimit) return 0;
    if (full.compare(0, stem.size(), stem) == 0) return 1;
    const auto dot = media.rfind('.');
    if (dot != std::string::npos && stem.size() <= dot && media.compare(0, stem.size(), stem) == 0) return 1;
    return 0;
}

}  // namespace

std::optional<std::size_t> matchTakeoutSidecar(std::string_view mediaName, const std::vector<std::string>& jsonNames) {
    std::optional<std::size_t> best;
    int bestScore = 0;
    for (std::size_t i = 0; i < jsonNames.size(); ++i) {
        const int s = score(mediaName, jsonNames[i]);
        if (s > bestScore) {
            bestScore = s;
            best = i;
        }
    }
    return best;
}

std::string uneditedName(std::string_view mediaName) {
    const auto dot = mediaName.rfind('.');
    if (dot == std::string_view::npos) return "";
    const std::string_view stem = mediaName.substr(0, dot);
    for (std::string_view word : kEdited) {
        if (stem.size() > word.size() && iEndsWith(stem, word))
            return std::string(stem.substr(0, stem.size() - word.size())) + std::string(mediaName.substr(dot));
    }
    return "";
}

}  // namespace obscura::import
