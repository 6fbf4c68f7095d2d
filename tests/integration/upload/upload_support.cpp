#include "upload_support.hpp"

#include <doctest/doctest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "obscura/base/ids.hpp"
#include "obscura/blobs/blob_store.hpp"
#include "obscura/kernel/blob_files.hpp"
#include "obscura/kernel/config.hpp"

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

namespace obscura::test {

std::vector<std::string> blobsUnder(App& app, const std::string& folder) {
    const std::string prefix = folder.empty() ? "" : folder + "/";
    std::vector<std::string> keys;
    std::string next;
    do {
        auto page = app.blobs().list(prefix, next, 1000);
        REQUIRE_MESSAGE(page.ok(), (page.ok() ? "" : page.error().message));
        for (const auto& e : page->entries) keys.push_back(e.key.substr(prefix.size()));
        next = page->next;
    } while (!next.empty());
    std::sort(keys.begin(), keys.end());
    return keys;
}

std::string blobBytes(App& app, const std::string& key) {
    std::string bytes;
    auto read = readBlob(app.blobs(), key, {}, [&](std::string_view chunk) -> Status {
        bytes.append(chunk);
        return {};
    });
    return read.ok() ? bytes : std::string();
}

void putBlob(App& app, const std::string& key, const std::string& bytes) {
    const std::string tmp = fs::absolute(app.config().getString("server.dataDir")).string() + "/tmp";
    fs::create_directories(tmp);
    const std::string file = tmp + "/seed-" + newUuid();
    writeFile(file, bytes);
    auto put = app.blobs().put(key, file, {});
    REQUIRE_MESSAGE(put.ok(), (put.ok() ? "" : put.error().message));
}

}  // namespace obscura::test

namespace obscura::test {

std::map<std::string, std::string> binaryEnv(std::map<std::string, std::string> extra) {
    extra.emplace("OBSCURA_AUTH_PASSWORD_HASH_MEMORY_KIB", "19456");
    extra.emplace("OBSCURA_AUTH_PASSWORD_HASH_ITERATIONS", "2");
    extra.emplace("OBSCURA_LOG_LEVEL", "info");
    return extra;
}

BinaryServer::BinaryServer(const std::string& dir, std::map<std::string, std::string> extraEnv)
    : dataDir(dir), env(binaryEnv(std::move(extraEnv))) {
    restart();
}

void BinaryServer::restart() {
    process =
        std::make_unique<ServerProcess>(std::vector<std::string>{"serve", "--port", "0", "--data-dir", dataDir}, env);
    REQUIRE_MESSAGE(process->start(), process->log());
}

void BinaryServer::stop() {
    process->signal(SIGTERM);
    REQUIRE(process->wait(std::chrono::seconds(30)) == 0);
}

void BinaryServer::kill() {
    process->signal(SIGKILL);
    REQUIRE(process->wait(std::chrono::seconds(10)).has_value());
}

RunResult fsckRun(const std::string& dataDir, const std::map<std::string, std::string>& env,
                  std::vector<std::string> flags) {
    std::vector<std::string> argv = {obscuraBinary(), "fsck", "--data-dir", dataDir};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return run(argv, env, "", std::chrono::seconds(120));
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> leftoverTempFiles(const std::string& tmpDir) {
    auto files = filesUnder(tmpDir);
    std::erase_if(files, [](const std::string& f) { return f.rfind("recent-", 0) == 0; });
    return files;
}

std::vector<std::string> keptRecentCopies(const std::string& tmpDir) {
    auto files = filesUnder(tmpDir);
    std::erase_if(files, [](const std::string& f) { return f.rfind("recent-", 0) != 0; });
    return files;
}

}  // namespace obscura::test
