#pragma once
// Reading a JSON request body: 415 for a body declared as something else, 400 for one that is not a JSON
// object or a field of the wrong type, so that handlers only see well-typed values. Unknown fields are ignored.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura::auth {

class JsonBody {
public:
    // An empty body is an empty object: the routes whose fields are all optional accept none.
    static Expected<JsonBody> parse(const Request& request);

    bool has(std::string_view field) const;
    // nullopt when absent; BadRequest when present but not a string (null included).
    Expected<std::optional<std::string>> optionalString(std::string_view field) const;
    // BadRequest when absent or not a string.
    Expected<std::string> requiredString(std::string_view field) const;
    Expected<std::optional<bool>> optionalBool(std::string_view field) const;
    // Absent: nullopt. null: an empty inner optional. An integer >= 0: that value; a negative one: Invalid.
    // Anything else: BadRequest.
    Expected<std::optional<std::optional<std::int64_t>>> optionalNullableCount(std::string_view field) const;

private:
    explicit JsonBody(nlohmann::json json) : json_(std::move(json)) {}
    const nlohmann::json* find(std::string_view field) const;
    nlohmann::json json_;
};

}  // namespace obscura::auth
