// The example file and the reference page are written by hand; these tests keep them equal to the schema.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "obscura/kernel/config.hpp"
#include "test_support.hpp"

using obscura::Config;
using obscura::ConfigKey;
using obscura::ConfigType;

namespace {

const std::string kExample = std::string(OBSCURA_SOURCE_DIR) + "/config/obscura.example.json";
const std::string kReference = std::string(OBSCURA_SOURCE_DIR) + "/docs/configuration.md";

void collectLeaves(const nlohmann::json& node, const std::string& prefix, std::set<std::string>& out) {
    for (const auto& [name, value] : node.items()) {
        const std::string key = prefix.empty() ? name : prefix + "." + name;
        if (value.is_object()) {
            collectLeaves(value, key, out);
        } else {
            out.insert(key);
        }
    }
}

// The text of the loaded value, comparable with ConfigKey::defaultValue.
std::string textOf(const Config& c, const ConfigKey& k) {
    switch (k.type) {
        case ConfigType::Int:
            return std::to_string(c.getInt(k.key));
        case ConfigType::Bool:
            return c.getBool(k.key) ? "true" : "false";
        case ConfigType::StringList: {
            std::string joined;
            for (const auto& e : c.getList(k.key)) joined += (joined.empty() ? "" : ",") + e;
            return joined;
        }
        case ConfigType::String:
            return c.getString(k.key);
    }
    return "";
}

// The table row of a key: the line that starts with "| `key` |".
std::string rowOf(const std::string& doc, const std::string& key) {
    std::istringstream lines(doc);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("| `" + key + "` |", 0) == 0) return line;
    }
    return "";
}

}  // namespace

TEST_SUITE("kernel.config") {
    TEST_CASE("the example file lists exactly every key, each with its default") {
        obscura::ConfigSources sources;
        sources.file = kExample;
        auto loaded = Config::load(sources);
        REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error().message));

        std::set<std::string> inFile;
        collectLeaves(nlohmann::json::parse(obscura::test::readFile(kExample)), "", inFile);
        std::set<std::string> inSchema;
        for (const auto& k : Config::schema()) inSchema.insert(k.key);
        CHECK(inFile == inSchema);

        for (const auto& k : Config::schema()) {
            CHECK_MESSAGE(textOf(*loaded, k) == k.defaultValue, k.key);
        }
    }

    TEST_CASE("the reference page has a row for every key with its variable, type and default") {
        const std::string doc = obscura::test::readFile(kReference);
        for (const auto& k : Config::schema()) {
            const std::string row = rowOf(doc, k.key);
            REQUIRE_MESSAGE(!row.empty(), "no row for " << k.key);
            CHECK_MESSAGE(row.find("`" + obscura::configEnvName(k.key) + "`") != std::string::npos, k.key);
            for (const auto& alias : k.envAliases)
                CHECK_MESSAGE(row.find("`" + alias + "`") != std::string::npos, alias);
            const std::string shownDefault = k.defaultValue.empty()
                                                 ? (k.type == ConfigType::StringList ? "`[]`" : "`\"\"`")
                                                 : "`" + k.defaultValue + "`";
            CHECK_MESSAGE(row.find(" | " + shownDefault + " | ") != std::string::npos, k.key);
            if (k.type == ConfigType::Int) {
                const std::string range = std::to_string(*k.min) + ".." + std::to_string(*k.max);
                CHECK_MESSAGE(row.find("integer " + range) != std::string::npos, k.key);
            }
            if (k.type == ConfigType::Bool) CHECK_MESSAGE(row.find("| boolean |") != std::string::npos, k.key);
            if (k.type == ConfigType::StringList)
                CHECK_MESSAGE(row.find("| list of strings |") != std::string::npos, k.key);
            if (k.secret) CHECK_MESSAGE(row.find("secret") != std::string::npos, k.key);
            for (const auto& allowed : k.allowed) {
                const std::string shown = allowed.empty() ? "`\"\"`" : "`" + allowed + "`";
                CHECK_MESSAGE(row.find(shown) != std::string::npos, k.key << " " << allowed);
            }
        }
    }
}

TEST_SUITE("kernel.config") {
    TEST_CASE("the README's key table is the reference page's table, row for row") {
        const std::string readme = obscura::test::readFile(std::string(OBSCURA_SOURCE_DIR) + "/README.md");
        const std::string doc = obscura::test::readFile(kReference);
        for (const auto& k : Config::schema()) {
            const std::string row = rowOf(doc, k.key);
            REQUIRE_MESSAGE(!row.empty(), "no row for " << k.key);
            CHECK_MESSAGE(readme.find(row + "\n") != std::string::npos, "README row differs or is missing: " << k.key);
        }
    }
}
