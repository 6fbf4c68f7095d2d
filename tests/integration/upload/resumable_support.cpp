#include "resumable_support.hpp"

#include <doctest/doctest.h>

#include "obscura/formats/sha1.hpp"

namespace obscura::test {

std::string base64(const std::string& bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned n = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
    }
    if (i < bytes.size()) {
        unsigned n = at(i) << 16;
        if (i + 1 < bytes.size()) n |= at(i + 1) << 8;
        out.push_back(kAlphabet[(n >> 18) & 63]);
        out.push_back(kAlphabet[(n >> 12) & 63]);
        out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

namespace {

formats::Sha1Digest sha1Of(const std::string& bytes) {
    auto sha = formats::Sha1::create();
    REQUIRE(sha.ok());
    sha->update(bytes);
    return sha->finish();
}

}  // namespace

std::string sha1Checksum(const std::string& bytes) {
    const auto digest = sha1Of(bytes);
    return "sha1 " + base64(std::string(digest.begin(), digest.end()));
}

std::string sha1Hex(const std::string& bytes) { return formats::toHex(sha1Of(bytes)); }

HttpResponse createUpload(HttpClient& http, const User& user, std::int64_t length, const std::string& metadata,
                          HeaderList extra, const std::string& body) {
    HeaderList headers = user.auth();
    headers.emplace_back("Tus-Resumable", "1.0.0");
    headers.emplace_back("Upload-Length", std::to_string(length));
    if (!metadata.empty()) headers.emplace_back("Upload-Metadata", metadata);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/offset+octet-stream");
    for (auto& h : extra) headers.push_back(std::move(h));
    return http.request("POST", "/api/uploads", headers, body);
}

std::string uploadPath(const HttpResponse& created) { return created.header("Location").value_or(""); }

HttpResponse patchUpload(HttpClient& http, const User& user, const std::string& path, std::int64_t offset,
                         const std::string& bytes, HeaderList extra) {
    HeaderList headers = user.auth();
    bool typed = false;
    for (const auto& [name, value] : extra) typed = typed || name == "Content-Type";
    headers.emplace_back("Tus-Resumable", "1.0.0");
    headers.emplace_back("Upload-Offset", std::to_string(offset));
    if (!typed) headers.emplace_back("Content-Type", "application/offset+octet-stream");
    for (auto& h : extra) headers.push_back(std::move(h));
    return http.request("PATCH", path, headers, bytes);
}

HttpResponse headUpload(HttpClient& http, const User& user, const std::string& path) {
    HeaderList headers = user.auth();
    headers.emplace_back("Tus-Resumable", "1.0.0");
    return http.request("HEAD", path, headers);
}

std::int64_t offsetOf(const HttpResponse& response) {
    auto header = response.header("Upload-Offset");
    return header ? std::stoll(*header) : -1;
}

HttpResponse tusUpload(HttpClient& http, const User& user, const std::string& fileName, const std::string& bytes,
                       std::size_t chunkSize, const std::string& extraMetadata) {
    std::string metadata = "filename " + base64(fileName);
    if (!extraMetadata.empty()) metadata += "," + extraMetadata;
    auto created = createUpload(http, user, static_cast<std::int64_t>(bytes.size()), metadata);
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const std::string path = uploadPath(created);
    HttpResponse last;
    for (std::size_t at = 0; at < bytes.size(); at += chunkSize) {
        last = patchUpload(http, user, path, static_cast<std::int64_t>(at), bytes.substr(at, chunkSize));
        REQUIRE_MESSAGE(last.status == 204, last.body);
        CHECK(offsetOf(last) == static_cast<std::int64_t>(std::min(bytes.size(), at + chunkSize)));
    }
    return last;
}

}  // namespace obscura::test
