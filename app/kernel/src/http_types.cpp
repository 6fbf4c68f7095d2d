#include "obscura/kernel/http_types.hpp"

#include <algorithm>
#include <cctype>

namespace obscura {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX (and '+' when plusIsSpace). Malformed escapes are kept literally when lenient, else fail.
std::optional<std::string> percentDecode(std::string_view in, bool plusIsSpace, bool lenient) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            bool complete = i + 2 < in.size();
            int hi = complete ? hexValue(in[i + 1]) : -1;
            int lo = complete ? hexValue(in[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                if (!lenient) return std::nullopt;
                out.push_back(c);
                continue;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plusIsSpace) {
            out.push_back(' ');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

}  // namespace

std::string_view methodName(Method m) {
    switch (m) {
        case Method::Get:
            return "GET";
        case Method::Head:
            return "HEAD";
        case Method::Post:
            return "POST";
        case Method::Put:
            return "PUT";
        case Method::Patch:
            return "PATCH";
        case Method::Delete:
            return "DELETE";
        case Method::Options:
            return "OPTIONS";
        case Method::Other:
            return "OTHER";
    }
    return "OTHER";
}

Method parseMethod(std::string_view s) {
    if (s == "GET") return Method::Get;
    if (s == "HEAD") return Method::Head;
    if (s == "POST") return Method::Post;
    if (s == "PUT") return Method::Put;
    if (s == "PATCH") return Method::Patch;
    if (s == "DELETE") return Method::Delete;
    if (s == "OPTIONS") return Method::Options;
    return Method::Other;
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
    for (const auto& [k, v] : items_)
        if (iequals(k, name)) return std::string_view(v);
    return std::nullopt;
}

std::vector<std::string_view> Headers::getAll(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : items_)
        if (iequals(k, name)) out.emplace_back(v);
    return out;
}

void Headers::set(std::string name, std::string value) {
    remove(name);
    items_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }

void Headers::remove(std::string_view name) {
    std::erase_if(items_, [&](const auto& kv) { return iequals(kv.first, name); });
}

std::optional<std::string_view> Request::queryParam(std::string_view name) const {
    for (const auto& [k, v] : queryParams)
        if (k == name) return std::string_view(v);
    return std::nullopt;
}

std::vector<std::string_view> Request::queryParamAll(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [k, v] : queryParams)
        if (k == name) out.emplace_back(v);
    return out;
}

std::string_view Request::param(std::string_view name) const {
    auto it = params.find(std::string(name));
    return it == params.end() ? std::string_view{} : std::string_view(it->second);
}

std::optional<std::string> Request::cookie(std::string_view name) const {
    for (auto header : headers.getAll("Cookie")) {
        while (!header.empty()) {
            auto semi = header.find(';');
            auto pair = header.substr(0, semi);
            header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
            while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
            auto eq = pair.find('=');
            if (eq == std::string_view::npos) continue;
            if (pair.substr(0, eq) == name) {
                auto value = pair.substr(eq + 1);
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                    value = value.substr(1, value.size() - 2);
                return std::string(value);
            }
        }
    }
    return std::nullopt;
}

Response Response::json(int status, std::string serializedJson) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json");
    r.body = std::move(serializedJson);
    return r;
}

Response Response::json(int status, std::shared_ptr<const std::string> serializedJson) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", "application/json");
    r.sharedBody = std::move(serializedJson);
    return r;
}

Response Response::text(int status, std::string body, std::string contentType) {
    Response r;
    r.status = status;
    r.headers.set("Content-Type", std::move(contentType));
    r.body = std::move(body);
    return r;
}

Response Response::noContent() {
    Response r;
    r.status = 204;
    return r;
}

std::vector<std::pair<std::string, std::string>> parseQuery(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        auto amp = query.find('&');
        auto part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty()) continue;
        auto eq = part.find('=');
        auto key = percentDecode(part.substr(0, eq), true, true);
        auto value = eq == std::string_view::npos ? std::optional<std::string>("")
                                                  : percentDecode(part.substr(eq + 1), true, true);
        out.emplace_back(std::move(*key), std::move(*value));
    }
    return out;
}

std::optional<std::string> decodePath(std::string_view raw) {
    auto decoded = percentDecode(raw, false, false);
    if (!decoded || decoded->find('\0') != std::string::npos) return std::nullopt;
    return decoded;
}

}  // namespace obscura
