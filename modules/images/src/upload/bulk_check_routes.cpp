// POST /api/assets/bulk-upload-check (Immich): which of the client's files the server already has, by SHA-1,
// so Immich's CLI uploads only new ones. A checksum is 40 hex digits or Immich's 28-character base64.
#include <nlohmann/json.hpp>

#include "assets/asset_cursor.hpp"
#include "obscura/kernel/json_body.hpp"
#include "obscura/kernel/storage_calls.hpp"
#include "obscura/storage/storage.hpp"
#include "upload/upload_routes.hpp"

namespace obscura::images {

namespace {

constexpr std::size_t kMaxCheckedAssets = 5000;

// Lower-case hex of a SHA-1 given as hex or as standard base64 (padded), or nullopt.
std::optional<std::string> checksumHex(const std::string& text) {
    static constexpr char kDigits[] = "0123456789abcdef";
    if (text.size() == 40) {
        std::string hex;
        for (char c : text) {
            if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
            hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        }
        return hex;
    }
    // 20 bytes in base64: 27 characters and one '='.
    if (text.size() != 28 || text[27] != '=') return std::nullopt;
    std::string url = text.substr(0, 27);
    for (char& c : url) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
        else if (c == '-' || c == '_')
            return std::nullopt;
    }
    auto bytes = base64UrlDecode(url);
    if (!bytes || bytes->size() != 20) return std::nullopt;
    std::string hex;
    for (unsigned char b : *bytes) {
        hex.push_back(kDigits[b >> 4]);
        hex.push_back(kDigits[b & 0xf]);
    }
    return hex;
}

struct Wanted {
    nlohmann::json id;  // the client's own id, echoed back as given
    std::string checksum;
};

// {assets:[{id, checksum}]}. An array of objects is beyond JsonBody's accessors, so it is read from json().
// A checksum that is not a SHA-1 is 400, not 422: Immich's answer, which its CLI expects.
Expected<std::vector<Wanted>> readWanted(const Request& req) {
    OBSCURA_TRY(body, JsonBody::parse(req));
    if (!body.has("assets") || !body.json().at("assets").is_array()) return badRequest("assets must be an array");
    const auto& items = body.json().at("assets");
    if (items.size() > kMaxCheckedAssets)
        return invalid("at most " + std::to_string(kMaxCheckedAssets) + " assets per check");
    std::vector<Wanted> wanted;
    wanted.reserve(items.size());
    for (const auto& item : items) {
        if (!item.is_object() || !item.contains("id") || !item.contains("checksum") || !item["checksum"].is_string())
            return badRequest("each asset needs an id and a checksum");
        auto hex = checksumHex(item["checksum"].get<std::string>());
        if (!hex) return badRequest("a checksum is a SHA-1 as 40 hex or 28 base64 characters");
        wanted.push_back({item["id"], std::move(*hex)});
    }
    return wanted;
}

Expected<Response> check(storage::Storage& storage, Request& req) {
    OBSCURA_TRY(wanted, readWanted(req));
    auto lookUp = [&](storage::Repositories& repos) -> Expected<nlohmann::json> {
        auto results = nlohmann::json::array();
        for (const auto& item : wanted) {
            OBSCURA_TRY(found, repos.images().findAssetByChecksum(req.principal->userId, item.checksum));
            if (!found) {
                results.push_back({{"id", item.id}, {"action", "accept"}});
            } else {
                results.push_back({{"id", item.id},
                                   {"action", "reject"},
                                   {"reason", "duplicate"},
                                   {"assetId", found->id},
                                   {"isTrashed", found->isTrashed}});
            }
        }
        return results;
    };
    OBSCURA_TRY(results, withRepos(storage, lookUp));
    nlohmann::json answer = {{"results", std::move(results)}};
    return Response::json(200, answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

Route bulkUploadCheckRoute(storage::Storage& storage) {
    return Route{
        .method = Method::Post,
        .pattern = "/api/assets/bulk-upload-check",
        .module = "images",
        .summary = "Which files (by SHA-1) the caller already has: {assets:[{id, checksum}]} → {results} (Immich)",
        .body = BodyKind::Buffered,
        .maxBodyBytes = 4 << 20,
        .handler = [&storage](Request& req) { return check(storage, req); }};
}

}  // namespace obscura::images
