#include "obscura/formats/xmp_sidecar.hpp"

#include <expat.h>

#include <cmath>
#include <cstdlib>
#include <memory>

#include "obscura/base/rfc3339.hpp"
#include "obscura/base/utf8.hpp"

namespace obscura::formats {
namespace {

constexpr char kSep = '|';  // expat joins namespace URI and local name with it
constexpr std::size_t kMaxSidecarTextBytes = 2000;
constexpr std::size_t kMaxTags = 200;
constexpr std::size_t kMaxDepth = 64;

const std::string kRdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const std::string kDc = "http://purl.org/dc/elements/1.1/";
const std::string kXmp = "http://ns.adobe.com/xap/1.0/";
const std::string kExif = "http://ns.adobe.com/exif/1.0/";
const std::string kPhotoshop = "http://ns.adobe.com/photoshop/1.0/";
const std::string kXmlLang = "http://www.w3.org/XML/1998/namespace|lang";

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return std::string(s);
}

// XMP GPS: "DDD,MM.mmmmK" or "DDD,MM,SSK" (K = N/S/E/W), or plain signed decimal degrees.
std::optional<double> parseCoordinate(std::string_view text, char positive, char negative, double limit) {
    std::string s = trimmed(text);
    if (s.empty()) return std::nullopt;
    double sign = 1;
    char last = s.back();
    if (last == positive || last == negative) {
        sign = last == negative ? -1 : 1;
        s.pop_back();
    }
    double value = 0, scale = 1;
    std::size_t at = 0;
    for (int part = 0; part < 3 && at <= s.size(); ++part) {
        const char* begin = s.c_str() + at;
        char* end = nullptr;
        double v = std::strtod(begin, &end);
        if (end == begin || !std::isfinite(v) || (part > 0 && (v < 0 || v >= 60))) return std::nullopt;
        value += v / scale;
        scale *= 60;
        at = static_cast<std::size_t>(end - s.c_str());
        if (at == s.size()) break;
        if (s[at] != ',') return std::nullopt;
        ++at;
    }
    if (at != s.size()) return std::nullopt;
    if (value < 0) {
        sign = -sign;
        value = -value;
    }
    if (value > limit) return std::nullopt;
    return sign * value;
}

bool isDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// XMP dates are ISO 8601 with optional parts; only full date-times are used (a bare year says too little).
void setDate(XmpSidecar& out, std::string_view raw) {
    std::string s = trimmed(raw);
    if (auto rfc = parseRfc3339(s)) {
        out.dateTaken = rfc->text;
        out.dateTakenHasOffset = true;
        return;
    }
    if (s.size() == 16) s += ":00";  // "YYYY-MM-DDTHH:MM"
    std::string_view v(s);
    std::string_view seconds = v.size() >= 19 ? v.substr(0, 19) : std::string_view();
    std::string_view fraction = v.size() > 20 && v[19] == '.' ? v.substr(20) : std::string_view();
    if (seconds.empty() || (v.size() > 19 && fraction.empty()) || (!fraction.empty() && !isDigits(fraction))) return;
    // Validated by the RFC 3339 parser with a made-up zone, then stored without it.
    if (!parseRfc3339(std::string(v) + "Z")) return;
    out.dateTaken = std::string(v);
    out.dateTakenHasOffset = false;
}

struct State {
    XML_Parser parser = nullptr;
    std::vector<std::string> stack;  // element names "uri|local"
    std::vector<std::string> langs;  // xml:lang of each open element ("" when none)
    std::string text;
    std::optional<std::string> refusal;
    XmpSidecar out;
    bool titleDefault = false, descriptionDefault = false;
    std::optional<std::string> dateOriginal, dateCreated, createDate, lat, lon;

    void stop(std::string why) {
        if (!refusal) refusal = std::move(why);
        XML_StopParser(parser, XML_FALSE);
    }

    // A simple property seen as an element's text or as an attribute of rdf:Description.
    void simple(const std::string& name, std::string_view value) {
        if (name == kXmp + "|Rating") {
            std::string v = trimmed(value);
            char* end = nullptr;
            double r = std::strtod(v.c_str(), &end);
            if (!v.empty() && end == v.c_str() + v.size() && r >= -1 && r <= 5) out.rating = static_cast<int>(r);
        } else if (name == kExif + "|DateTimeOriginal") {
            dateOriginal = std::string(value);
        } else if (name == kPhotoshop + "|DateCreated") {
            dateCreated = std::string(value);
        } else if (name == kXmp + "|CreateDate") {
            createDate = std::string(value);
        } else if (name == kExif + "|GPSLatitude") {
            lat = std::string(value);
        } else if (name == kExif + "|GPSLongitude") {
            lon = std::string(value);
        }
    }

    void item(const std::string& property, const std::string& value, bool isDefault) {
        std::string clean = cleanUtf8Text(trimmed(value), kMaxSidecarTextBytes);
        if (clean.empty()) return;
        auto alt = [&](std::optional<std::string>& field, bool& haveDefault) {
            if (haveDefault) return;
            if (!field || isDefault) field = clean;
            haveDefault = isDefault;
        };
        if (property == kDc + "|title") alt(out.title, titleDefault);
        if (property == kDc + "|description") alt(out.description, descriptionDefault);
        if (property == kDc + "|subject" && out.tags.size() < kMaxTags) out.tags.push_back(clean);
    }
};

void XMLCALL onStart(void* data, const XML_Char* name, const XML_Char** attrs) {
    auto& s = *static_cast<State*>(data);
    if (s.stack.size() >= kMaxDepth) return s.stop("the sidecar nests too deeply");
    std::string lang = s.langs.empty() ? std::string() : s.langs.back();
    for (int i = 0; attrs[i]; i += 2) {
        if (attrs[i] == kXmlLang) lang = attrs[i + 1];
        if (std::string(name) == kRdf + "|Description") s.simple(attrs[i], attrs[i + 1]);
    }
    s.stack.emplace_back(name);
    s.langs.push_back(lang);
    s.text.clear();
}

void XMLCALL onEnd(void* data, const XML_Char* name) {
    auto& s = *static_cast<State*>(data);
    const std::string element(name);
    if (element == kRdf + "|li" && s.stack.size() >= 3) {
        s.item(s.stack[s.stack.size() - 3], s.text, s.langs.back() == "x-default");
    } else {
        s.simple(element, s.text);
    }
    if (!s.stack.empty()) s.stack.pop_back();
    if (!s.langs.empty()) s.langs.pop_back();
    s.text.clear();
}

void XMLCALL onText(void* data, const XML_Char* text, int len) {
    auto& s = *static_cast<State*>(data);
    if (s.text.size() + static_cast<std::size_t>(len) <= kMaxSidecarTextBytes * 4) s.text.append(text, len);
}

// Any DOCTYPE is refused at its start, before expat reads a single declaration: no entity is ever defined.
void XMLCALL onDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<State*>(data)->stop("a DOCTYPE is not allowed in a sidecar (entities are refused)");
}

void XMLCALL onEntityDecl(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*, const XML_Char*,
                          const XML_Char*, const XML_Char*) {
    static_cast<State*>(data)->stop("entity declarations are not allowed in a sidecar");
}

}  // namespace

bool XmpSidecar::empty() const {
    return !title && !description && tags.empty() && !rating && !dateTaken && !latitude && !longitude;
}

Expected<XmpSidecar> parseXmpSidecar(std::string_view xml) {
    if (xml.size() > kMaxSidecarBytes) return Error(ErrorCode::Invalid, "the sidecar is larger than 1 MiB");
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
        XML_ParserCreateNS("UTF-8", kSep), &XML_ParserFree);
    if (!parser) return internalError("cannot create an XML parser");
    State state;
    state.parser = parser.get();
    XML_SetUserData(parser.get(), &state);
    XML_SetElementHandler(parser.get(), onStart, onEnd);
    XML_SetCharacterDataHandler(parser.get(), onText);
    XML_SetStartDoctypeDeclHandler(parser.get(), onDoctype);
    XML_SetEntityDeclHandler(parser.get(), onEntityDecl);
    XML_SetParamEntityParsing(parser.get(), XML_PARAM_ENTITY_PARSING_NEVER);
    const auto status = XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
    if (state.refusal) return Error(ErrorCode::Invalid, *state.refusal);
    if (status != XML_STATUS_OK) {
        return Error(ErrorCode::Invalid, "malformed XML at line " +
                                             std::to_string(XML_GetCurrentLineNumber(parser.get())) + ": " +
                                             XML_ErrorString(XML_GetErrorCode(parser.get())));
    }
    XmpSidecar out = std::move(state.out);
    for (const auto* date : {&state.dateOriginal, &state.dateCreated, &state.createDate}) {
        if (*date) setDate(out, **date);
        if (out.dateTaken) break;
    }
    if (state.lat && state.lon) {
        out.latitude = parseCoordinate(*state.lat, 'N', 'S', 90);
        out.longitude = parseCoordinate(*state.lon, 'E', 'W', 180);
        if (!out.latitude || !out.longitude) out.latitude = out.longitude = std::nullopt;
    }
    return out;
}

}  // namespace obscura::formats
