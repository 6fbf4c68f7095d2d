#pragma once
// Configuration: a fixed schema of keys "section.camelKey" (nested: "media.smtp.host"), each with a type,
// default and validation. Sources, lowest to highest precedence: defaults, JSON file, environment
// (OBSCURA_SECTION_CAMEL_KEY), command-line flags. Unknown keys and bad values fail the load naming the key.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"

namespace obscura {

enum class ConfigType : std::uint8_t { String, Int, Bool, StringList };

struct ConfigKey {
    std::string key;  // "server.port"
    ConfigType type = ConfigType::String;
    std::string defaultValue;  // textual form; "" for none; lists comma-separated
    std::string description;
    bool secret = false;                   // never printed or logged
    std::optional<std::int64_t> min, max;  // Int bounds
    std::vector<std::string> allowed;      // String enum values, if restricted
    std::vector<std::string> envAliases;   // extra environment names (OBSCURA_DATA_DIR)
};

// The environment name of a key: "media.smtp.host" -> "OBSCURA_MEDIA_SMTP_HOST".
std::string configEnvName(std::string_view key);

struct ConfigSources {
    std::optional<std::string> file;                 // --config or OBSCURA_CONFIG
    std::map<std::string, std::string> environment;  // usually the process environment
    std::map<std::string, std::string> overrides;    // from flags, by key ("server.port" -> "9000")
};

class Config {
public:
    // Every key the server knows, in documentation order.
    static const std::vector<ConfigKey>& schema();
    static Expected<Config> load(const ConfigSources& sources);
    // Defaults only (tests).
    static Config defaults();
    // Reads the process environment into a map (only OBSCURA_* variables).
    static std::map<std::string, std::string> processEnvironment();

    std::string getString(std::string_view key) const;
    std::int64_t getInt(std::string_view key) const;
    bool getBool(std::string_view key) const;
    std::vector<std::string> getList(std::string_view key) const;
    // True when a source other than the defaults set the key.
    bool isSet(std::string_view key) const;
    // Where a key's value came from: "default", "file", "env OBSCURA_…", "flag".
    std::string origin(std::string_view key) const;

    // Test and CLI helper: change one value after load (validated as a source would be).
    Status set(std::string_view key, std::string_view value);

    // Every key with its effective value, secrets shown as "***" (for `obscura config check`).
    std::string describe() const;

private:
    struct Value {
        std::string text;
        std::string origin;
    };
    std::map<std::string, Value, std::less<>> values_;
};

}  // namespace obscura
