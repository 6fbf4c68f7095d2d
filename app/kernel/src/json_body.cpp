#include "obscura/kernel/json_body.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace obscura {
namespace {

bool declaresJson(std::string_view contentType) {
    std::string type(contentType.substr(0, contentType.find(';')));
    type.erase(std::remove_if(type.begin(), type.end(), [](unsigned char c) { return std::isspace(c) != 0; }),
               type.end());
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
    return type == "application/json" ||
           (type.rfind("application/", 0) == 0 && type.size() > 5 && type.compare(type.size() - 5, 5, "+json") == 0);
}

Error notStrings(std::string_view field) { return badRequest(std::string(field) + " must be an array of strings"); }

}  // namespace

Expected<JsonBody> JsonBody::parse(const Request& request) {
    const bool blank =
        std::all_of(request.body.begin(), request.body.end(), [](unsigned char c) { return std::isspace(c) != 0; });
    if (blank) return JsonBody(std::make_shared<const nlohmann::json>(nlohmann::json::object()));
    if (auto type = request.headers.get("Content-Type"); type && !declaresJson(*type)) {
        return Error(ErrorCode::UnsupportedMediaType, "the request body must be application/json");
    }
    auto json = nlohmann::json::parse(request.body, nullptr, false);
    if (json.is_discarded()) return badRequest("the request body is not valid JSON");
    if (!json.is_object()) return badRequest("the request body must be a JSON object");
    return JsonBody(std::make_shared<const nlohmann::json>(std::move(json)));
}

const nlohmann::json* JsonBody::find(std::string_view field) const {
    const auto it = json_->find(field);
    return it == json_->end() ? nullptr : &*it;
}

bool JsonBody::has(std::string_view field) const { return find(field) != nullptr; }

Expected<std::optional<std::string>> JsonBody::optionalString(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::optional<std::string>();
    if (!value->is_string()) return badRequest(std::string(field) + " must be a string");
    return std::optional(value->get<std::string>());
}

Expected<std::string> JsonBody::requiredString(std::string_view field) const {
    OBSCURA_TRY(value, optionalString(field));
    if (!value) return badRequest(std::string(field) + " is required");
    return std::move(*value);
}

Expected<std::optional<bool>> JsonBody::optionalBool(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::optional<bool>();
    if (!value->is_boolean()) return badRequest(std::string(field) + " must be true or false");
    return std::optional(value->get<bool>());
}

Expected<std::optional<std::optional<std::int64_t>>> JsonBody::optionalNullableCount(std::string_view field) const {
    using Result = std::optional<std::optional<std::int64_t>>;
    const auto* value = find(field);
    if (!value) return Result();
    if (value->is_null()) return Result(std::optional<std::int64_t>());
    if (value->is_number_unsigned() && value->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return Result(std::optional(value->get<std::int64_t>()));
    }
    if (value->is_number_integer()) {
        if (value->get<std::int64_t>() < 0) return invalid(std::string(field) + " must be 0 or more");
        return Result(std::optional(value->get<std::int64_t>()));
    }
    return badRequest(std::string(field) + " must be a whole number or null");
}

Expected<std::optional<std::vector<std::string>>> JsonBody::optionalStrings(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::optional<std::vector<std::string>>();
    if (!value->is_array()) return notStrings(field);
    std::vector<std::string> out;
    out.reserve(value->size());
    for (const auto& item : *value) {
        if (!item.is_string()) return notStrings(field);
        out.push_back(item.get<std::string>());
    }
    return std::optional(std::move(out));
}

Expected<std::vector<std::string>> JsonBody::requiredStrings(std::string_view field) const {
    OBSCURA_TRY(value, optionalStrings(field));
    if (!value) return badRequest(std::string(field) + " is required");
    return std::move(*value);
}

}  // namespace obscura
