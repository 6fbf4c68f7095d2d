#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "obscura/base/expected.hpp"
#include "obscura/kernel/route.hpp"

namespace obscura {

// Method + path-pattern routing. Segments are literal or "{name}"; at each level a literal match is tried
// before a parameter, so "/api/assets/statistics" is never taken for an id.
class Router {
public:
    struct Match {
        const Route* route = nullptr;
        std::unordered_map<std::string, std::string> params;
    };

    Router();
    ~Router();
    Router(const Router&) = delete;
    Router& operator=(const Router&) = delete;

    // Fails on a malformed pattern or a duplicate method+pattern.
    Status add(Route route);
    // NotFound when no pattern matches; MethodNotAllowed (message lists the allowed methods) when only the
    // method differs. A GET route also answers HEAD.
    Expected<Match> match(Method method, std::string_view path) const;
    // Methods allowed on a path (for 405's Allow header).
    std::vector<Method> allowedMethods(std::string_view path) const;
    // Every route, in registration order: the source of truth for OpenAPI and the access matrix.
    std::vector<const Route*> routes() const;

private:
    struct Node;
    std::unique_ptr<Node> root_;
    std::vector<std::unique_ptr<Route>> routes_;
    const Node* find(std::string_view path, std::unordered_map<std::string, std::string>* params) const;
};

}  // namespace obscura
