#include "obscura/kernel/router.hpp"

#include <algorithm>
#include <map>

namespace obscura {

std::string_view authPolicyName(AuthPolicy p) {
    switch (p) {
        case AuthPolicy::Anonymous:
            return "anonymous";
        case AuthPolicy::User:
            return "user";
        case AuthPolicy::Admin:
            return "admin";
        case AuthPolicy::ShareLink:
            return "share-link";
    }
    return "user";
}

// A segment trie: literal children by text, at most one parameter child, and an optional tail parameter
// that swallows the rest of the path.
struct Router::Node {
    std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
    std::unique_ptr<Node> param;
    std::string paramName;
    std::unique_ptr<Node> tail;
    std::string tailName;
    std::map<Method, const Route*> routes;
};

namespace {

std::vector<std::string_view> splitPath(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool isParam(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;

Status Router::add(Route route) {
    if (route.pattern.empty() || route.pattern.front() != '/')
        return internalError("route pattern must start with '/': " + route.pattern);
    if (!route.handler) return internalError("route without handler: " + route.pattern);
    if (route.body == BodyKind::Streamed && !route.makeSink)
        return internalError("streamed route without a sink factory: " + route.pattern);
    if (route.body != BodyKind::None && route.maxBodyBytes == 0)
        return internalError("route body limit must be set: " + route.pattern);

    auto segments = splitPath(route.pattern);
    Node* node = root_.get();
    for (std::size_t i = 0; i < segments.size(); ++i) {
        auto seg = segments[i];
        if (isParam(seg)) {
            std::string name(seg.substr(1, seg.size() - 2));
            bool last = i + 1 == segments.size();
            if (last && route.rawPathTail) {
                if (!node->tail) {
                    node->tail = std::make_unique<Node>();
                    node->tailName = name;
                } else if (node->tailName != name) {
                    return internalError("conflicting tail parameter names at " + route.pattern);
                }
                node = node->tail.get();
                continue;
            }
            if (!node->param) {
                node->param = std::make_unique<Node>();
                node->paramName = name;
            } else if (node->paramName != name) {
                // Two names for one position would make params depend on registration order.
                return internalError("conflicting parameter names {" + node->paramName + "} and {" + name + "} at " +
                                     route.pattern);
            }
            node = node->param.get();
        } else {
            if (seg.find_first_of("{}") != std::string_view::npos)
                return internalError("malformed route segment in " + route.pattern);
            auto it = node->literals.find(seg);
            if (it == node->literals.end())
                it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
            node = it->second.get();
        }
    }
    if (node->routes.count(route.method))
        return conflict("duplicate route " + std::string(methodName(route.method)) + " " + route.pattern);
    routes_.push_back(std::make_unique<Route>(std::move(route)));
    node->routes[routes_.back()->method] = routes_.back().get();
    return {};
}

namespace {

// Depth-first with literal before parameter: backtracking makes "/a/literal/x" fall back to "/a/{p}/x".
// A plain recursive function (no std::function) keeps lookups allocation-free.
template <typename Node>
const Node* walk(const Node* node, const std::vector<std::string_view>& segments, std::size_t i,
                 std::unordered_map<std::string, std::string>* params) {
    if (i == segments.size()) return node->routes.empty() ? nullptr : node;
    auto seg = segments[i];
    if (auto it = node->literals.find(seg); it != node->literals.end())
        if (auto hit = walk(it->second.get(), segments, i + 1, params)) return hit;
    if (node->param && !seg.empty()) {
        if (auto hit = walk(node->param.get(), segments, i + 1, params)) {
            if (params) params->emplace(node->paramName, std::string(seg));
            return hit;
        }
    }
    if (node->tail && !seg.empty() && !node->tail->routes.empty()) {
        if (params) {
            std::string rest(seg);
            for (std::size_t j = i + 1; j < segments.size(); ++j) rest.append("/").append(segments[j]);
            params->emplace(node->tailName, std::move(rest));
        }
        return node->tail.get();
    }
    return nullptr;
}

}  // namespace

const Router::Node* Router::find(std::string_view path, std::unordered_map<std::string, std::string>* params) const {
    auto segments = splitPath(path);
    if (segments.empty()) return nullptr;
    return walk(root_.get(), segments, 0, params);
}

Expected<Router::Match> Router::match(Method method, std::string_view path) const {
    Match m;
    const Node* node = find(path, &m.params);
    if (!node) return Error(ErrorCode::NotFound, "no such endpoint");
    auto it = node->routes.find(method);
    if (it == node->routes.end() && method == Method::Head) it = node->routes.find(Method::Get);
    if (it == node->routes.end()) {
        std::string allowed;
        for (auto m2 : allowedMethods(path)) allowed += (allowed.empty() ? "" : ", ") + std::string(methodName(m2));
        return Error(ErrorCode::MethodNotAllowed, "method not allowed; allowed: " + allowed);
    }
    m.route = it->second;
    return m;
}

std::vector<Method> Router::allowedMethods(std::string_view path) const {
    std::vector<Method> out;
    const Node* node = find(path, nullptr);
    if (!node) return out;
    for (const auto& [method, route] : node->routes) {
        out.push_back(method);
        if (method == Method::Get) out.push_back(Method::Head);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<const Route*> Router::routes() const {
    std::vector<const Route*> out;
    out.reserve(routes_.size());
    for (const auto& r : routes_) out.push_back(r.get());
    return out;
}

}  // namespace obscura
