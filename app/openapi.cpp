#include "openapi.hpp"

#include <nlohmann/json.hpp>

#include "obscura/kernel/router.hpp"

namespace obscura {
namespace {

using nlohmann::json;

// The request headers of the tus routes (DESIGN.md section 10): what a client must send besides the path.
json tusHeaders(Method method, const std::string& pattern) {
    if (pattern.rfind("/api/uploads", 0) != 0 || method == Method::Options || method == Method::Get) return json();
    auto header = [](const char* name, bool required, const char* description) {
        return json{{"name", name},
                    {"in", "header"},
                    {"required", required},
                    {"description", description},
                    {"schema", {{"type", "string"}}}};
    };
    json params = json::array({header("Tus-Resumable", true, "1.0.0 (412 otherwise)")});
    if (method == Method::Post) {
        params.push_back(header("Upload-Length", true, "the file's size in bytes"));
        params.push_back(header("Upload-Metadata", false,
                                "key base64 pairs: filename, filetype, albumId, title, description, checksum, "
                                "fileCreatedAt"));
    }
    if (method == Method::Patch) {
        params.push_back(header("Upload-Offset", true, "where these bytes start (409 when not the upload's offset)"));
        params.push_back(header("Upload-Checksum", false, "sha1 <base64>: 460 when the chunk differs"));
    }
    return params;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Routes whose bodies are described in full here (the others say "object"; docs/api.md has every shape).
void describeDirectUpload(nlohmann::json& op, const Route& route) {
    using nlohmann::json;
    const auto str = json{{"type", "string"}};
    if (route.pattern == "/api/assets/upload-url") {
        op["requestBody"] = {{"required", true},
                             {"content",
                              {{"application/json",
                                {{"schema",
                                  {{"type", "object"},
                                   {"required", json::array({"filename", "sizeBytes"})},
                                   {"properties",
                                    {{"filename", str},
                                     {"sizeBytes", {{"type", "integer"}, {"minimum", 1}}},
                                     {"checksum", {{"type", "string"}, {"description", "SHA-1, hex"}}},
                                     {"albumId", {{"type", "string"}, {"format", "uuid"}}},
                                     {"title", str},
                                     {"description", str}}}}}}}}}};
        op["responses"]["201"] = {{"description", "Where to PUT the bytes"},
                                  {"content",
                                   {{"application/json",
                                     {{"schema",
                                       {{"type", "object"},
                                        {"properties",
                                         {{"uploadId", str},
                                          {"url", str},
                                          {"method", {{"type", "string"}, {"enum", json::array({"PUT"})}}},
                                          {"headers", {{"type", "object"}, {"additionalProperties", str}}},
                                          {"expiresAt", {{"type", "string"}, {"format", "date-time"}}}}}}}}}}}};
    } else if (route.pattern == "/api/uploads/direct/{uploadId}") {
        op["requestBody"] = {
            {"required", true},
            {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
        for (const char* name : {"expires", "size", "signature"}) {
            op["parameters"].push_back({{"name", name}, {"in", "query"}, {"required", true}, {"schema", str}});
        }
    }
}

}  // namespace

std::string openApiDocument(const Router& router, const std::string& version) {
    using nlohmann::json;
    json paths = json::object();
    for (const Route* route : router.routes()) {
        json op = {{"summary", route->summary},
                   {"tags", json::array({route->module.empty() ? "server" : route->module})},
                   {"x-obscura-auth", std::string(authPolicyName(route->auth))},
                   {"responses", {{"default", {{"$ref", "#/components/responses/Error"}}}}}};
        json params = json::array();
        std::string_view pattern = route->pattern;
        for (std::size_t open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', open + 1)) {
            auto close = pattern.find('}', open);
            params.push_back({{"name", std::string(pattern.substr(open + 1, close - open - 1))},
                              {"in", "path"},
                              {"required", true},
                              {"schema", {{"type", "string"}}}});
        }
        if (json tus = tusHeaders(route->method, route->pattern); tus.is_array())
            for (auto& header : tus) params.push_back(std::move(header));
        if (!params.empty()) op["parameters"] = params;
        switch (route->auth) {
            case AuthPolicy::Anonymous:
            case AuthPolicy::ShareLink:
                op["security"] = json::array();
                break;
            case AuthPolicy::User:
            case AuthPolicy::Admin:
                op["security"] = json::array({{{"bearer", json::array()}}, {{"apiKey", json::array()}}});
                break;
        }
        if (route->body == BodyKind::Buffered)
            op["requestBody"] = {{"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
        else if (route->body == BodyKind::Streamed && route->pattern.rfind("/api/uploads", 0) == 0)
            op["requestBody"] = {
                {"content",
                 {{"application/offset+octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
        else if (route->body == BodyKind::Streamed)
            op["requestBody"] = {{"content", {{"multipart/form-data", {{"schema", {{"type", "object"}}}}}}}};
        describeDirectUpload(op, *route);
        paths[route->pattern][lower(methodName(route->method))] = op;
    }
    json doc = {
        {"openapi", "3.0.3"},
        {"info", {{"title", "Obscura"}, {"version", version}, {"description", "Self-hosted photo and video albums"}}},
        {"servers", json::array({{{"url", "/"}}})},
        {"paths", paths},
        {"components",
         {{"securitySchemes",
           {{"bearer", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
            {"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "x-api-key"}}}}},
          {"responses",
           {{"Error",
             {{"description", "An error"},
              {"content",
               {{"application/json",
                 {{"schema",
                   {{"type", "object"},
                    {"properties",
                     {{"error",
                       {{"type", "object"},
                        {"properties",
                         {{"code", {{"type", "string"}}},
                          {"message", {{"type", "string"}}},
                          {"requestId", {{"type", "string"}}}}}}}}}}}}}}}}}}}}}};
    return doc.dump();
}

}  // namespace obscura
