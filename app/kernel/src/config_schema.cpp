// The configuration schema's rules: how a value from a source becomes the canonical text of its type, and
// the checks some keys add (hosts, URLs, CIDRs). The keys themselves are in config_keys.cpp.
#include "config_schema.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace obscura {
namespace {

bool isIpAddress(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// "10.0.0.1", "10.0.0.0/8", "fd00::/8". Host bits below the prefix are allowed; the matcher masks them.
bool isIpOrCidr(std::string_view entry) {
    const auto slash = entry.find('/');
    const std::string address(entry.substr(0, slash));
    unsigned char buf[16];
    int maxPrefix = 0;
    if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
        maxPrefix = 32;
    } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
        maxPrefix = 128;
    } else {
        return false;
    }
    if (slash == std::string_view::npos) return true;
    const std::string_view prefix = entry.substr(slash + 1);
    int bits = -1;
    const auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), bits);
    return !prefix.empty() && ec == std::errc{} && end == prefix.data() + prefix.size() && bits >= 0 &&
           bits <= maxPrefix;
}

bool isHostName(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    std::size_t label = 0;
    for (const char c : s) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
            continue;
        }
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
        if (++label > 63) return false;
    }
    return label > 0 || s.back() == '.';
}

bool isHost(std::string_view s) { return isIpAddress(std::string(s)) || isHostName(s); }

bool hasControlCharacter(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool hasWhitespace(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// http(s)://host[:port][/path], no query or fragment: links are built by appending paths to it.
std::optional<std::string> checkPublicUrl(std::string_view url) {
    std::string_view rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
    } else {
        return "must start with http:// or https://";
    }
    if (rest.empty() || rest.front() == '/') return "has no host";
    if (hasWhitespace(url) || url.find_first_of("?#") != std::string_view::npos) {
        return "must be a plain base URL without spaces, query or fragment";
    }
    return std::nullopt;
}

// scheme://rest: the plugin parses the rest; here we only catch the obviously wrong.
std::optional<std::string> checkDatabaseUrl(std::string_view url) {
    const auto sep = url.find("://");
    const auto validScheme = [](std::string_view scheme) {
        return !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme.front())) &&
               std::all_of(scheme.begin(), scheme.end(), [](char c) {
                   return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                          c == '+' || c == '.' || c == '-';
               });
    };
    if (sep == std::string_view::npos || !validScheme(url.substr(0, sep)) || sep + 3 == url.size()) {
        return "is not a URL like mysql://user@host:3306/db";
    }
    if (hasWhitespace(url)) return "must not contain spaces";
    return std::nullopt;
}

std::optional<std::string> checkSpecific(const ConfigKey& key, std::string_view text) {
    const std::string& k = key.key;
    if (k == "server.host" || k == "media.smtp.host") {
        if ((k == "server.host" || !text.empty()) && !isHost(text)) return "is not an IP address or host name";
    } else if (k == "server.dataDir") {
        if (text.empty()) return "must not be empty";
    } else if (k == "server.publicUrl") {
        if (!text.empty()) return checkPublicUrl(text);
    } else if (k == "server.trustedProxies") {
        std::size_t start = 0;
        while (start <= text.size() && !text.empty()) {
            const auto end = std::min(text.find(',', start), text.size());
            const std::string_view entry = text.substr(start, end - start);
            if (!isIpOrCidr(entry)) {
                return "has an entry \"" + std::string(entry) + "\" that is not an IP address or CIDR (10.0.0.0/8)";
            }
            start = end + 1;
        }
    } else if (k == "storage.plugin") {
        const bool ok = !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
        if (!ok) return "must be 1 to 64 of a-z, 0-9 and _";
    } else if (k == "database.url") {
        if (!text.empty()) return checkDatabaseUrl(text);
    } else if (k == "auth.jwtSecret") {
        if (!text.empty() && text.size() < 32) {
            return "is too short: " + std::to_string(text.size()) + " characters, at least 32 are required";
        }
    } else if (k == "media.smtp.from") {
        if (!text.empty() && text.find('@') == std::string_view::npos) return "is not an e-mail address";
    }
    return std::nullopt;
}

std::string_view trim(std::string_view s) {
    const auto notSpace = [](char c) { return std::isspace(static_cast<unsigned char>(c)) == 0; };
    const auto first = std::find_if(s.begin(), s.end(), notSpace);
    const auto last = std::find_if(s.rbegin(), s.rend(), notSpace).base();
    return first < last ? std::string_view(&*first, static_cast<std::size_t>(last - first)) : std::string_view{};
}

std::string rangeText(const ConfigKey& key) {
    return "is out of range " + std::to_string(key.min.value_or(INT64_MIN)) + ".." +
           std::to_string(key.max.value_or(INT64_MAX));
}

std::string jsonTypeName(ConfigType t) {
    switch (t) {
        case ConfigType::String:
            return "a JSON string";
        case ConfigType::Int:
            return "a JSON integer";
        case ConfigType::Bool:
            return "true or false";
        case ConfigType::StringList:
            return "a JSON array of strings";
    }
    return "?";
}

}  // namespace

std::string configEnvName(std::string_view key) {
    std::string name = "OBSCURA_";
    for (const char c : key) {
        if (c == '.') {
            name += '_';
        } else if (std::isupper(static_cast<unsigned char>(c))) {
            name += '_';
            name += c;
        } else {
            name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    return name;
}

namespace config_detail {

const ConfigKey* findKey(std::string_view key) {
    for (const auto& k : Config::schema()) {
        if (k.key == key) return &k;
    }
    return nullptr;
}

const ConfigKey* findKeyByEnv(std::string_view envName) {
    for (const auto& k : Config::schema()) {
        if (configEnvName(k.key) == envName) return &k;
        if (std::find(k.envAliases.begin(), k.envAliases.end(), envName) != k.envAliases.end()) return &k;
    }
    return nullptr;
}

bool isKnownSection(std::string_view section) {
    for (const auto& k : Config::schema()) {
        if (k.key.compare(0, k.key.find('.'), section) == 0) return true;
    }
    return false;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

Expected<std::string> canonicalFromText(const ConfigKey& key, std::string_view raw) {
    switch (key.type) {
        case ConfigType::String:
            return std::string(raw);
        case ConfigType::Int: {
            const std::string_view t = trim(raw);
            std::int64_t v = 0;
            const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
            if (ec == std::errc::result_out_of_range) return invalid(rangeText(key));
            if (t.empty() || ec != std::errc{} || end != t.data() + t.size()) return invalid("is not an integer");
            return std::to_string(v);
        }
        case ConfigType::Bool: {
            const std::string t = lower(trim(raw));
            if (t == "true" || t == "1" || t == "yes") return std::string("true");
            if (t == "false" || t == "0" || t == "no") return std::string("false");
            return invalid("is not a boolean (true, false, 1, 0, yes, no)");
        }
        case ConfigType::StringList: {
            std::string out;
            std::size_t start = 0;
            while (start <= raw.size()) {
                const auto end = std::min(raw.find(',', start), raw.size());
                const std::string_view entry = trim(raw.substr(start, end - start));
                if (!entry.empty()) (out += out.empty() ? "" : ",") += entry;
                start = end + 1;
            }
            return out;
        }
    }
    return invalid("has an unknown type");
}

Expected<std::string> canonicalFromJson(const ConfigKey& key, const nlohmann::json& v) {
    const std::string wrongType = "must be " + jsonTypeName(key.type) + ", not " +
                                  (v.is_number_float() ? std::string("a fraction") : std::string(v.type_name()));
    switch (key.type) {
        case ConfigType::String:
            if (!v.is_string()) return invalid(wrongType);
            return v.get<std::string>();
        case ConfigType::Int:
            if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
                return invalid(rangeText(key));
            }
            if (!v.is_number_integer()) return invalid(wrongType);
            return std::to_string(v.get<std::int64_t>());
        case ConfigType::Bool:
            if (!v.is_boolean()) return invalid(wrongType);
            return std::string(v.get<bool>() ? "true" : "false");
        case ConfigType::StringList: {
            if (!v.is_array()) return invalid(wrongType);
            std::string out;
            for (const auto& item : v) {
                if (!item.is_string()) return invalid(wrongType);
                const auto s = item.get<std::string>();
                // Lists are stored comma-joined, so an entry with a comma would silently become two.
                if (s.empty() || s.find(',') != std::string::npos) {
                    return invalid("has an entry that is empty or contains a comma");
                }
                (out += out.empty() ? "" : ",") += s;
            }
            return out;
        }
    }
    return invalid("has an unknown type");
}

std::optional<std::string> checkValue(const ConfigKey& key, std::string_view text) {
    if (key.type == ConfigType::Int) {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end != text.data() + text.size()) return "is not an integer";
        if ((key.min && v < *key.min) || (key.max && v > *key.max)) return rangeText(key);
        return std::nullopt;
    }
    if (key.type == ConfigType::Bool) {
        if (text != "true" && text != "false") return "is not a boolean";
        return std::nullopt;
    }
    // Paths, hosts and names with control characters only ever come from mistakes or log injection;
    // secrets are left alone because their bytes are the user's business.
    if (!key.secret && hasControlCharacter(text)) return "contains a control character";
    if (!key.allowed.empty() && std::find(key.allowed.begin(), key.allowed.end(), text) == key.allowed.end()) {
        std::string names;
        for (const auto& a : key.allowed) {
            names += names.empty() ? "" : ", ";
            names += a.empty() ? "\"\" (empty)" : a;
        }
        return "is not one of " + names;
    }
    return checkSpecific(key, text);
}

}  // namespace config_detail
}  // namespace obscura
