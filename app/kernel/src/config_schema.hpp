#pragma once
// Private to the kernel: schema look-ups and the per-key value rules shared by config.cpp.
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "obscura/kernel/config.hpp"

namespace obscura::config_detail {

const ConfigKey* findKey(std::string_view key);
// By environment name or alias ("OBSCURA_SERVER_DATA_DIR", "OBSCURA_DATA_DIR").
const ConfigKey* findKeyByEnv(std::string_view envName);
// "server", "media", ... (lower case, as in keys).
bool isKnownSection(std::string_view section);

// A value from the environment or a flag, or from the JSON file, turned into the canonical text of the
// key's type ("8080", "true", "a,b"). The error message is the reason, phrased to follow the value.
Expected<std::string> canonicalFromText(const ConfigKey& key, std::string_view raw);
Expected<std::string> canonicalFromJson(const ConfigKey& key, const nlohmann::json& value);

std::string lower(std::string_view s);

// Why `text` (already in the canonical text form of the key's type) is not acceptable for `key`,
// phrased to follow the value in a message ("is out of range 0..65535"); nullopt when it is fine.
// Repeats nothing of a secret's value.
std::optional<std::string> checkValue(const ConfigKey& key, std::string_view text);

}  // namespace obscura::config_detail
