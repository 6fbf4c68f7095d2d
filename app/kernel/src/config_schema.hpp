#pragma once
// Private to the kernel: schema look-ups and the per-key value rules shared by config.cpp.
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

// Why `text` (already in the canonical text form of the key's type) is not acceptable for `key`,
// phrased to follow the value in a message ("is out of range 0..65535"); nullopt when it is fine.
// Never repeats the value itself, so it is safe for secrets.
std::optional<std::string> checkValue(const ConfigKey& key, std::string_view text);

}  // namespace obscura::config_detail
