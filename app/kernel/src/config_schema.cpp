// The configuration schema: every key, its type, default and rules. docs/configuration.md and
// config/obscura.example.json mirror this list; tests/unit/kernel/config_test.cpp keeps them in step.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <string>
#include <vector>

#include "config_schema.hpp"

namespace obscura {
namespace {

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * kKiB;
constexpr std::int64_t kGiB = 1024 * kMiB;
constexpr std::int64_t kTiB = 1024 * kGiB;

ConfigKey str(std::string key, std::string def, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::String;
    k.defaultValue = std::move(def);
    k.description = std::move(description);
    return k;
}

ConfigKey secret(std::string key, std::string description) {
    ConfigKey k = str(std::move(key), "", std::move(description));
    k.secret = true;
    return k;
}

ConfigKey oneOf(std::string key, std::string def, std::vector<std::string> allowed, std::string description) {
    ConfigKey k = str(std::move(key), std::move(def), std::move(description));
    k.allowed = std::move(allowed);
    return k;
}

ConfigKey integer(std::string key, std::int64_t def, std::int64_t min, std::int64_t max, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::Int;
    k.defaultValue = std::to_string(def);
    k.description = std::move(description);
    k.min = min;
    k.max = max;
    return k;
}

ConfigKey boolean(std::string key, bool def, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::Bool;
    k.defaultValue = def ? "true" : "false";
    k.description = std::move(description);
    return k;
}

ConfigKey list(std::string key, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::StringList;
    k.description = std::move(description);
    return k;
}

ConfigKey withAlias(ConfigKey k, std::string alias) {
    k.envAliases.push_back(std::move(alias));
    return k;
}

std::vector<ConfigKey> buildSchema() {
    return {
        // server
        str("server.host", "0.0.0.0", "Address to listen on: an IP address or host name; \"::\" for every IPv6 address."),
        integer("server.port", 8080, 0, 65535, "TCP port to listen on; 0 picks a free port (tests)."),
        withAlias(str("server.dataDir", "./data", "Data directory: database, secret, library, derivatives, tmp."),
                  "OBSCURA_DATA_DIR"),
        str("server.publicUrl", "", "External base URL (http:// or https://) used in links; empty = from the request."),
        integer("server.ioThreads", 0, 0, 64, "Network I/O threads; 0 = number of cores."),
        integer("server.workerThreads", 0, 0, 256, "Request handler threads; 0 = 4 x cores (at least 4)."),
        integer("server.maxHeaderBytes", 8 * kKiB, 1 * kKiB, 64 * kKiB, "Largest request header accepted (431 above)."),
        integer("server.maxJsonBodyBytes", 1 * kMiB, 1 * kKiB, 64 * kMiB, "Largest JSON request body (413 above)."),
        integer("server.maxConnections", 1024, 1, 1000000, "Open connections the server accepts in total."),
        integer("server.maxConnectionsPerIp", 64, 1, 1000000, "Open connections accepted from one client IP."),
        integer("server.headerTimeoutSeconds", 10, 1, 3600, "Time allowed for a whole request header to arrive."),
        integer("server.idleTimeoutSeconds", 60, 1, 86400, "Keep-alive connection closed after this long idle."),
        integer("server.bodyGraceSeconds", 10, 0, 3600, "Time before the minimum body rate is enforced."),
        integer("server.minBodyBytesPerSecond", 1024, 1, 1 * kGiB, "Slower request bodies are cut off with 408."),
        integer("server.writeTimeoutSeconds", 60, 1, 3600, "A response write making no progress this long is cut."),
        integer("server.drainSeconds", 25, 0, 3600, "On SIGTERM/SIGINT, time in-flight requests get to finish."),
        list("server.trustedProxies",
             "IPs or CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed; empty = none."),
        // storage
        str("storage.plugin", "sqlite", "Storage plugin name: loads obscura_storage_<name>.so."),
        str("storage.pluginDir", "", "Directory of storage plugins; empty = beside the executable."),
        // database
        str("database.url", "", "Database URL for server databases (mysql://user@host:3306/db); unused by sqlite."),
        secret("database.password", "Database password, kept out of the URL so a Kubernetes Secret can supply it."),
        integer("database.poolSize", 8, 1, 256, "Database connections kept open."),
        // log
        oneOf("log.level", "info", {"trace", "debug", "info", "warn", "error"}, "Least severe level logged."),
        oneOf("log.format", "json", {"json", "text"}, "Log line format: one JSON object per line, or plain text."),
        boolean("log.accessLog", true, "One log line per HTTP request."),
        // auth
        secret("auth.jwtSecret",
               "JWT signing key, at least 32 characters; empty = generated once into <dataDir>/secret."),
        oneOf("auth.registration", "", {"", "open", "closed"},
              "Self-registration: open, closed, or empty = open until the first user exists, then closed."),
        integer("auth.accessTokenMinutes", 15, 1, 1440, "Lifetime of an access token."),
        integer("auth.refreshTokenDays", 30, 1, 365, "Lifetime of a refresh token."),
        // images
        integer("images.trashDays", 30, 0, 3650, "Days a trashed asset is kept before it is deleted; 0 = at once."),
        integer("images.maxUploadBytes", 10 * kGiB, 1, 1 * kTiB, "Largest upload accepted (413 above)."),
        // media
        integer("media.workers", 0, 0, 64, "Conversion jobs run at once; 0 = number of cores."),
        integer("media.maxPixels", 100000000, 1, 10000000000, "Images with more pixels are refused before decoding."),
        str("media.smtp.host", "", "SMTP server for outgoing mail; empty = no mail is sent."),
        integer("media.smtp.port", 587, 1, 65535, "SMTP server port."),
        str("media.smtp.username", "", "SMTP user name; empty = no authentication."),
        secret("media.smtp.password", "SMTP password."),
        str("media.smtp.from", "", "Sender address of outgoing mail (\"Obscura <photos@example.org>\")."),
        oneOf("media.smtp.tls", "starttls", {"starttls", "tls", "none"},
              "SMTP transport security: STARTTLS upgrade, implicit TLS, or none."),
    };
}

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

}  // namespace

const std::vector<ConfigKey>& Config::schema() {
    static const std::vector<ConfigKey> keys = buildSchema();
    return keys;
}

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

std::optional<std::string> checkValue(const ConfigKey& key, std::string_view text) {
    if (key.type == ConfigType::Int) {
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end != text.data() + text.size()) return "is not an integer";
        if ((key.min && v < *key.min) || (key.max && v > *key.max)) {
            return "is out of range " + std::to_string(key.min.value_or(INT64_MIN)) + ".." +
                   std::to_string(key.max.value_or(INT64_MAX));
        }
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
