#pragma once
#include <string>

namespace obscura {
class Router;
// OpenAPI 3.0 JSON generated from the route table: paths, methods, path parameters, summaries, security.
std::string openApiDocument(const Router& router, const std::string& version);
}  // namespace obscura
