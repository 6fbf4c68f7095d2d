#include "media_api.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace obscura::test {

namespace {
constexpr const char* kBoundary = "obscura-media-test-31f2";
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

MediaUser mediaAdmin(HttpClient& http, const std::string& username) {
    auto user = registerUser(http, username);
    auto session = login(http, username);
    return {user["id"].get<std::string>(), session.access};
}

MediaUser mediaUser(HttpClient& http, const MediaUser& admin, const std::string& username) {
    auto user = createUser(http, admin.access, username);
    auto session = login(http, username);
    return {user["id"].get<std::string>(), session.access};
}

HttpResponse uploadPath(HttpClient& http, const MediaUser& user, const std::string& path, const std::string& fileName) {
    const std::string name = fileName.empty() ? path.substr(path.find_last_of('/') + 1) : fileName;
    std::string body =
        std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"" + name +
        "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + readAll(path) + "\r\n--" + kBoundary + "--\r\n";
    HeaderList headers = user.auth();
    headers.emplace_back("Content-Type", std::string("multipart/form-data; boundary=") + kBoundary);
    return http.request("POST", "/api/assets", headers, body);
}

std::string uploadOk(HttpClient& http, const MediaUser& user, const std::string& path) {
    auto r = uploadPath(http, user, path);
    REQUIRE_MESSAGE(r.status == 201, path << ": " << r.status << " " << r.body);
    return bodyOf(r)["id"].get<std::string>();
}

nlohmann::json assetOf(HttpClient& http, const MediaUser& user, const std::string& id) {
    auto r = http.get("/api/assets/" + id, user.auth());
    REQUIRE_MESSAGE(r.status == 200, r.body);
    return bodyOf(r);
}

std::string settle(HttpClient& http, const MediaUser& user, const std::string& id, const std::string& kind,
                   int timeoutSeconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
    std::string state;
    while (true) {
        state = assetOf(http, user, id)["derivatives"][kind].get<std::string>();
        if (state != "pending" || std::chrono::steady_clock::now() > deadline) return state;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

void fetchTo(HttpClient& http, const MediaUser& user, const std::string& target, const std::string& file) {
    auto r = http.get(target, user.auth());
    REQUIRE_MESSAGE(r.status == 200, target << ": " << r.status << " " << r.body);
    std::ofstream out(file, std::ios::binary);
    out << r.body;
}

}  // namespace obscura::test
