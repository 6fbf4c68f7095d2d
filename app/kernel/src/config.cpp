// Loading the configuration: defaults, then the JSON file, then OBSCURA_* variables, then flags. Every
// problem of every source is collected, so one failed start names everything that needs fixing.
#include "obscura/kernel/config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "config_schema.hpp"

extern char** environ;  // NOLINT: POSIX, declared by no standard header

namespace obscura {
namespace {

using config_detail::canonicalFromJson;
using config_detail::canonicalFromText;
using config_detail::checkValue;
using config_detail::findKey;
using config_detail::findKeyByEnv;
using config_detail::lower;
using nlohmann::json;

constexpr std::string_view kEnvPrefix = "OBSCURA_";
constexpr std::string_view kCommandLine = "the command line";

struct Entry {
    std::string text;
    std::string origin;
};
using Entries = std::map<std::string, Entry, std::less<>>;

std::string clip(const std::string& text) {
    constexpr std::size_t kMaxShown = 80;
    return text.size() > kMaxShown ? text.substr(0, kMaxShown) + "..." : text;
}

// How a rejected value is quoted in a message: as JSON text, shortened, and never for a secret.
std::string shown(const ConfigKey& key, const std::string& valueJson) {
    return key.secret ? key.key + " " : key.key + ": " + clip(valueJson) + " ";
}

// JSON text for messages and describe(). Environment values are arbitrary bytes, so invalid UTF-8 is
// replaced rather than allowed to throw.
std::string jsonText(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }
std::string jsonQuoted(std::string_view s) { return jsonText(json(std::string(s))); }

std::size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                              std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// " (did you mean "server.port"?)" when one name is close enough to be a likely typo.
std::string suggestion(std::string_view unknown, bool asEnvName) {
    std::string best;
    // Close enough to be a typo: two edits for short names, about one in five for long ones.
    std::size_t bestDistance = std::max<std::size_t>(2, unknown.size() / 5) + 1;
    for (const auto& k : Config::schema()) {
        const std::string candidate = asEnvName ? configEnvName(k.key) : k.key;
        const std::size_t d = editDistance(unknown, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    if (best.empty()) return "";
    return " (did you mean " + (asEnvName ? best : jsonQuoted(best)) + "?)";
}

bool isSectionPrefix(std::string_view path) {
    const auto& keys = Config::schema();
    return std::any_of(keys.begin(), keys.end(), [&](const ConfigKey& k) {
        return k.key.size() > path.size() && k.key.compare(0, path.size(), path) == 0 && k.key[path.size()] == '.';
    });
}

// Kubernetes injects <SERVICE>_SERVICE_HOST, <SERVICE>_SERVICE_PORT[_*] and <SERVICE>_PORT[_*] for every
// service in the namespace; a service named "obscura-media" would otherwise look like our media section.
// Only names whose <SERVICE>_SERVICE_HOST sibling exists are treated so, to keep typos in our keys loud.
bool isKubernetesServiceLink(const std::string& name, const std::map<std::string, std::string>& env) {
    if (name.size() > 13 && name.compare(name.size() - 13, 13, "_SERVICE_HOST") == 0) return true;
    for (std::size_t p = name.find('_'); p != std::string::npos; p = name.find('_', p + 1)) {
        const std::string_view rest = std::string_view(name).substr(p + 1);
        const bool linkShape = rest.rfind("SERVICE_PORT", 0) == 0 || rest == "PORT" || rest.rfind("PORT_", 0) == 0;
        if (linkShape && env.count(name.substr(0, p) + "_SERVICE_HOST") != 0) return true;
    }
    return false;
}

class Loader {
public:
    explicit Loader(Entries& entries) : entries_(entries) {}

    void text(const ConfigKey& key, std::string_view raw, const std::string& origin, std::string_view where) {
        accept(key, canonicalFromText(key, raw), jsonQuoted(raw), origin, where);
    }
    void fromJson(const ConfigKey& key, const json& v, std::string_view where) {
        accept(key, canonicalFromJson(key, v), jsonText(v), "file", where);
    }
    void fail(std::string message) { errors_.push_back(std::move(message)); }

    // False when the file cannot be read or parsed: that explains everything after it, so loading stops.
    bool file(const std::string& path);
    void environment(const std::map<std::string, std::string>& env);

    const std::vector<std::string>& errors() const { return errors_; }

private:
    void accept(const ConfigKey& key, Expected<std::string> canonical, const std::string& rawShown,
                const std::string& origin, std::string_view where) {
        if (!canonical) {
            fail(shown(key, rawShown) + "from " + std::string(where) + " " + canonical.error().message);
            return;
        }
        if (auto why = checkValue(key, *canonical)) {
            fail(shown(key, rawShown) + "from " + std::string(where) + " " + *why);
            return;
        }
        entries_[key.key] = Entry{std::move(*canonical), origin};
    }

    void walk(const json& object, const std::string& prefix, const std::string& path,
              std::vector<std::string>& unknown);

    Entries& entries_;
    std::vector<std::string> errors_;
};

void Loader::walk(const json& object, const std::string& prefix, const std::string& path,
                  std::vector<std::string>& unknown) {
    for (const auto& [name, value] : object.items()) {
        const std::string key = prefix.empty() ? name : prefix + "." + name;
        // Dotted names would give one key two spellings; only nested objects are accepted.
        if (name.empty() || name.find('.') != std::string::npos) {
            unknown.push_back(jsonQuoted(key) + " (write nested objects, not dotted names)");
        } else if (const ConfigKey* k = findKey(key)) {
            fromJson(*k, value, path);
        } else if (isSectionPrefix(key)) {
            if (value.is_object()) {
                walk(value, key, path, unknown);
            } else {
                fail(key + ": " + clip(jsonText(value)) + " from " + path + " must be a JSON object of keys, not " +
                     value.type_name());
            }
        } else {
            unknown.push_back(jsonQuoted(key) + suggestion(key, false));
        }
    }
}

bool Loader::file(const std::string& path) {
    const auto unreadable = [&](const std::string& why) {
        fail("cannot read configuration file " + (path.empty() ? "\"\"" : path) + ": " + why);
        return false;
    };
    if (path.empty()) return unreadable("the path is empty");
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return unreadable("it is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) return unreadable(std::strerror(errno));
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) return unreadable(std::strerror(errno));

    json root;
    try {
        root = json::parse(content.str());
    } catch (const json::exception& e) {
        std::string what = e.what();
        // "[json.exception.parse_error.101] parse error at line 2, column 5: ..." -> drop the bracket.
        if (const auto close = what.find("] "); close != std::string::npos && what.front() == '[') {
            what.erase(0, close + 2);
        }
        fail("cannot parse configuration file " + path + ": " + what);
        return false;
    }
    if (!root.is_object()) {
        fail("configuration file " + path + " must hold a JSON object, not " + std::string(root.type_name()));
        return false;
    }
    std::vector<std::string> unknown;
    const std::size_t firstError = errors_.size();
    walk(root, "", path, unknown);
    if (!unknown.empty()) {
        std::string names;
        for (const auto& u : unknown) names += (names.empty() ? "" : ", ") + u;
        // Unknown keys first: a misspelt section explains the value errors that may follow it.
        errors_.insert(errors_.begin() + static_cast<std::ptrdiff_t>(firstError),
                       std::string(unknown.size() == 1 ? "unknown configuration key " : "unknown configuration keys ") +
                           names + " in " + path);
    }
    return true;
}

void Loader::environment(const std::map<std::string, std::string>& env) {
    std::vector<std::string> unknown;
    std::map<const ConfigKey*, std::vector<std::pair<std::string, std::string>>> byKey;
    for (const auto& [name, value] : env) {
        if (name.rfind(kEnvPrefix, 0) != 0) continue;
        if (const ConfigKey* k = findKeyByEnv(name)) {
            byKey[k].emplace_back(name, value);
            continue;
        }
        const auto sectionEnd = name.find('_', kEnvPrefix.size());
        if (sectionEnd == std::string::npos) continue;
        const std::string section =
            lower(std::string_view(name).substr(kEnvPrefix.size(), sectionEnd - kEnvPrefix.size()));
        if (!config_detail::isKnownSection(section) || isKubernetesServiceLink(name, env)) continue;
        unknown.push_back(name + suggestion(name, true));
    }
    if (!unknown.empty()) {
        std::string names;
        for (const auto& u : unknown) names += (names.empty() ? "" : ", ") + u;
        fail(std::string(unknown.size() == 1 ? "unknown configuration variable " : "unknown configuration variables ") +
             names);
    }
    for (const auto& [key, settings] : byKey) {
        const std::string canonicalName = configEnvName(key->key);
        // The canonical name wins over an alias; both set to different values is a mistake worth naming.
        const auto* chosen = &settings.front();
        for (const auto& s : settings) {
            if (s.first == canonicalName) chosen = &s;
        }
        for (const auto& s : settings) {
            if (s.second != chosen->second) {
                fail(key->key + ": " + chosen->first + " and " + s.first + " are both set, to different values");
            }
        }
        text(*key, chosen->second, "env " + chosen->first, chosen->first);
    }
}

template <typename Map>
const auto& entryOf(const Map& values, std::string_view key, std::optional<ConfigType> type) {
    const ConfigKey* k = findKey(key);
    if (k == nullptr) throw std::logic_error("unknown configuration key \"" + std::string(key) + "\"");
    if (type && k->type != *type) throw std::logic_error("configuration key \"" + k->key + "\" read as the wrong type");
    const auto it = values.find(key);
    if (it == values.end()) throw std::logic_error("configuration key \"" + k->key + "\" has no value");
    return it->second;
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (!text.empty() && start <= text.size()) {
        const auto end = std::min(text.find(',', start), text.size());
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// "mysql://user:pw@host/db" -> "mysql://user:***@host/db": describe() output ends up in support tickets.
std::string maskUrlPassword(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) return url;
    const auto at = url.find('@', scheme + 3);
    const auto colon = url.find(':', scheme + 3);
    if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

}  // namespace

Expected<Config> Config::load(const ConfigSources& sources) {
    Config config = defaults();
    Entries entries;
    Loader loader(entries);
    if (sources.file && !loader.file(*sources.file)) return invalid(loader.errors().back());
    loader.environment(sources.environment);
    for (const auto& [name, value] : sources.overrides) {
        if (const ConfigKey* k = findKey(name)) {
            loader.text(*k, value, "flag", kCommandLine);
        } else {
            loader.fail("unknown configuration key " + jsonQuoted(name) + " from " + std::string(kCommandLine));
        }
    }
    if (!loader.errors().empty()) {
        std::string message;
        for (const auto& e : loader.errors()) message += (message.empty() ? "" : "; ") + e;
        return invalid(std::move(message));
    }
    for (auto& [key, entry] : entries) config.values_[key] = Value{std::move(entry.text), std::move(entry.origin)};
    return config;
}

Config Config::defaults() {
    Config config;
    for (const auto& k : schema()) config.values_[k.key] = Value{k.defaultValue, "default"};
    return config;
}

std::map<std::string, std::string> Config::processEnvironment() {
    std::map<std::string, std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos || entry.rfind(kEnvPrefix, 0) != 0) continue;
        env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
    }
    return env;
}

std::string Config::getString(std::string_view key) const { return entryOf(values_, key, ConfigType::String).text; }

std::int64_t Config::getInt(std::string_view key) const {
    const std::string& t = entryOf(values_, key, ConfigType::Int).text;
    std::int64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

bool Config::getBool(std::string_view key) const { return entryOf(values_, key, ConfigType::Bool).text == "true"; }

std::vector<std::string> Config::getList(std::string_view key) const {
    return splitList(entryOf(values_, key, ConfigType::StringList).text);
}

bool Config::isSet(std::string_view key) const { return entryOf(values_, key, std::nullopt).origin != "default"; }

std::string Config::origin(std::string_view key) const { return entryOf(values_, key, std::nullopt).origin; }

Status Config::set(std::string_view key, std::string_view value) {
    const ConfigKey* k = findKey(key);
    if (k == nullptr) return invalid("unknown configuration key " + jsonQuoted(key));
    Entries entries;
    Loader loader(entries);
    loader.text(*k, value, "flag", kCommandLine);
    if (!loader.errors().empty()) return invalid(loader.errors().front());
    values_[k->key] = Value{std::move(entries[k->key].text), "flag"};
    return {};
}

std::string Config::describe() const {
    std::size_t width = 0;
    for (const auto& k : schema()) width = std::max(width, k.key.size());
    std::string out;
    for (const auto& k : schema()) {
        const Value& v = entryOf(values_, k.key, std::nullopt);
        std::string shownValue;
        if (k.secret) {
            shownValue = v.text.empty() ? "\"\"" : "***";
        } else if (k.type == ConfigType::String) {
            shownValue = jsonQuoted(k.key == "database.url" ? maskUrlPassword(v.text) : v.text);
        } else if (k.type == ConfigType::StringList) {
            shownValue = jsonText(json(splitList(v.text)));
        } else {
            shownValue = v.text;
        }
        out += k.key + std::string(width - k.key.size(), ' ') + " = " + shownValue + "  (" + v.origin + ")\n";
    }
    return out;
}

}  // namespace obscura
