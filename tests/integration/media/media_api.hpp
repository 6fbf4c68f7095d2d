#pragma once
// Helpers for the media tests through HTTP: accounts, uploading a file from disk, waiting for and fetching
// derivatives into files that the real tools (vipsheader, ffprobe) then read.
#include <nlohmann/json.hpp>
#include <string>

#include "api_session.hpp"
#include "http_client.hpp"

namespace obscura::test {

struct MediaUser {
    std::string id;
    std::string access;
    HeaderList auth() const { return bearer(access); }
};

// The first account (admin) registers; others are made by it.
MediaUser mediaAdmin(HttpClient& http, const std::string& username = "alice");
MediaUser mediaUser(HttpClient& http, const MediaUser& admin, const std::string& username);

// POST /api/assets with the file's bytes as assetData; answers the response.
HttpResponse uploadPath(HttpClient& http, const MediaUser& user, const std::string& path,
                        const std::string& fileName = "");
// Uploads and REQUIREs 201; answers the asset id.
std::string uploadOk(HttpClient& http, const MediaUser& user, const std::string& path);

// GET the asset object.
nlohmann::json assetOf(HttpClient& http, const MediaUser& user, const std::string& id);
// Polls the asset until derivatives[kind] is no longer "pending" (or the timeout); answers the last state.
std::string settle(HttpClient& http, const MediaUser& user, const std::string& id, const std::string& kind,
                   int timeoutSeconds = 120);
// Writes the body of a 200 GET to `file`; REQUIREs 200.
void fetchTo(HttpClient& http, const MediaUser& user, const std::string& target, const std::string& file);

std::string readAll(const std::string& path);

}  // namespace obscura::test
