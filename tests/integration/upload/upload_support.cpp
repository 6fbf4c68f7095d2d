#include "upload_support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

namespace obscura::test {

namespace fs = std::filesystem;

std::string formContentType(const std::string& boundary) { return "multipart/form-data; boundary=" + boundary; }

std::string formField(const std::string& name, const std::string& value, const std::string& boundary) {
    return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

std::string formFile(const std::string& name, const std::string& fileName, const std::string& bytes,
                     const std::string& boundary, const std::string& disposition) {
    const std::string cd =
        disposition.empty() ? "form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"" : disposition;
    return "--" + boundary + "\r\nContent-Disposition: " + cd + "\r\nContent-Type: application/octet-stream\r\n\r\n" +
           bytes + "\r\n";
}

std::string formEnd(const std::string& boundary) { return "--" + boundary + "--\r\n"; }

User firstUser(HttpClient& http, const std::string& username) {
    auto user = registerUser(http, username);
    auto session = login(http, username);
    return User{user["id"], username, session.access};
}

User otherUser(HttpClient& http, const User& admin, const std::string& username) {
    auto user = createUser(http, admin.access, username);
    auto session = login(http, username);
    return User{user["id"], username, session.access};
}

void setQuota(HttpClient& http, const User& admin, const User& user, std::int64_t bytes) {
    auto r = sendJson(http, "PATCH", "/api/admin/users/" + user.id, {{"quotaBytes", bytes}}, admin.auth());
    REQUIRE_MESSAGE(r.status == 200, r.body);
}

HttpResponse postForm(HttpClient& http, const User& user, const std::string& body, HeaderList extra) {
    HeaderList headers = user.auth();
    headers.emplace_back("Content-Type", formContentType());
    for (auto& h : extra) headers.push_back(std::move(h));
    return http.request("POST", "/api/assets", headers, body);
}

HttpResponse upload(HttpClient& http, const User& user, const std::string& fileName, const std::string& bytes,
                    const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string body;
    for (const auto& [name, value] : fields) body += formField(name, value);
    body += formFile("assetData", fileName, bytes) + formEnd();
    return postForm(http, user, body);
}

bool waitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return pred();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

std::vector<std::string> filesUnder(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return out;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        if (!it->is_directory()) out.push_back(it->path().lexically_relative(dir).string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace obscura::test
