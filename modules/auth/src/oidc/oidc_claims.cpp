#include "oidc/oidc_claims.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "secrets.hpp"

namespace obscura::auth {
namespace {

using nlohmann::json;

bool truthy(const json& v) {
    return (v.is_boolean() && v.get<bool>()) || (v.is_string() && v.get<std::string>() == "true");
}

std::string usable(std::string_view raw) {
    std::string out;
    for (const char c : raw) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (ok) out += c;
        if (out.size() == 24) break;  // room for a suffix within the 32 allowed
    }
    return out.size() >= 3 ? out : std::string();
}

std::string stringClaim(const json& claims, const char* name) {
    const auto it = claims.find(name);
    return it != claims.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const json* findClaim(const json& claims, std::string_view name) {
    if (!claims.is_object() || name.empty()) return nullptr;
    if (const auto it = claims.find(std::string(name)); it != claims.end()) return &*it;
    const json* at = &claims;
    std::size_t start = 0;
    while (start <= name.size()) {
        const auto dot = name.find('.', start);
        const std::string part(
            name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (!at->is_object()) return nullptr;
        const auto it = at->find(part);
        if (it == at->end()) return nullptr;
        at = &*it;
        if (dot == std::string_view::npos) return at;
        start = dot + 1;
    }
    return nullptr;
}

bool emailVerified(const json& claims) {
    const json* v = findClaim(claims, "email_verified");
    return v && truthy(*v);
}

std::optional<bool> adminFromClaims(const json& claims, std::string_view adminClaim) {
    if (adminClaim.empty()) return std::nullopt;
    const auto eq = adminClaim.find('=');
    const json* v = findClaim(claims, adminClaim.substr(0, eq));
    if (!v) return false;
    if (eq == std::string_view::npos) return truthy(*v);
    const std::string wanted(adminClaim.substr(eq + 1));
    if (v->is_string()) return v->get<std::string>() == wanted;
    if (!v->is_array()) return false;
    return std::any_of(v->begin(), v->end(),
                       [&](const json& e) { return e.is_string() && e.get<std::string>() == wanted; });
}

std::optional<std::int64_t> quotaFromClaims(const json& claims, std::string_view quotaClaim) {
    if (quotaClaim.empty()) return std::nullopt;
    const json* v = findClaim(claims, quotaClaim);
    if (!v) return std::nullopt;
    if (v->is_number_unsigned() || (v->is_number_integer() && v->get<std::int64_t>() >= 0))
        return v->get<std::int64_t>();
    if (v->is_string()) {
        const std::string s = v->get<std::string>();
        if (s.empty() || s.size() > 18 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        return std::stoll(s);
    }
    return std::nullopt;
}

std::string usernameFromClaims(const json& claims, int attempt) {
    std::string base = usable(stringClaim(claims, "preferred_username"));
    if (base.empty()) {
        const std::string email = stringClaim(claims, "email");
        base = usable(std::string_view(email).substr(0, email.find('@')));
    }
    if (base.empty()) base = "user";
    if (attempt == 0) return base;
    // A few readable suffixes, then random ones: two providers' "alice" must both get an account.
    if (attempt < 5) return base + "-" + std::to_string(attempt + 1);
    std::string random = randomSecret(6);
    std::replace_if(
        random.begin(), random.end(),
        [](char c) { return c != '-' && c != '_' && !std::isalnum(static_cast<unsigned char>(c)); }, 'x');
    return base + "-" + random.substr(0, 6);
}

}  // namespace obscura::auth
