#pragma once
// The one reader of JSON request bodies. One rule per kind of bad body (docs/api.md, "Request bodies"), in
// DESIGN.md section 3's order (413 is the HTTP layer's, before any of these):
//   - a body declared as something other than JSON (Content-Type)                  → 415 unsupported_media_type
//   - a body that is not JSON, or JSON but not an object                           → 400 bad_request
//   - a field of the wrong JSON type (null included), or a required field missing  → 400 bad_request
//   - well-typed values that break a rule (not an id, unknown name, out of range)  → 422 invalid
// The first three mean "the body cannot be read as this route's shape"; the accessors below answer them, so a
// handler only sees well-typed values and answers only the fourth itself (with obscura::invalid). An empty
// or blank body reads as {} so routes whose fields are all optional accept none. Unknown fields are ignored.
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/http_types.hpp"

namespace obscura {

class JsonBody {
public:
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
    // An array of strings ("ids"): nullopt when absent; BadRequest when not an array or an element is not a
    // string. Whether each string is a valid id, and how many may come, are the handler's rules (422).
    Expected<std::optional<std::vector<std::string>>> optionalStrings(std::string_view field) const;
    // The same, BadRequest when absent.
    Expected<std::vector<std::string>> requiredStrings(std::string_view field) const;

    // The whole object, for shapes the accessors do not cover (arrays of objects); the reader keeps the rules.
    const nlohmann::json& json() const { return *json_; }

private:
    explicit JsonBody(std::shared_ptr<const nlohmann::json> json) : json_(std::move(json)) {}
    const nlohmann::json* find(std::string_view field) const;
    // Shared, so that the header needs only json_fwd.hpp and a JsonBody copies cheaply.
    std::shared_ptr<const nlohmann::json> json_;
};

}  // namespace obscura
