#include "s3_fixture.hpp"

#include <curl/curl.h>
#include <dlfcn.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <vector>

#include "obscura/blobs/plugin_abi.hpp"
#include "s3_test_blobs.hpp"

namespace obscura::s3test {
namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::string randomName() {
    std::random_device rd;
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string s;
    for (int i = 0; i < 12; ++i) s.push_back(kChars[rd() % 36]);
    return s;
}

}  // namespace

std::map<std::string, std::string> gatewaySettings() {
    if (env("OBSCURA_TEST_S3_ENDPOINT").empty()) {
        std::cerr << "blobs_s3: OBSCURA_TEST_S3_ENDPOINT not set (scripts/test.sh starts a Ceph gateway); skipped\n";
        std::exit(77);
    }
    return {{"endpoint", env("OBSCURA_TEST_S3_ENDPOINT")},
            {"region", env("OBSCURA_TEST_S3_REGION")},
            {"bucket", env("OBSCURA_TEST_S3_BUCKET")},
            {"accessKeyId", env("OBSCURA_TEST_S3_ACCESS_KEY")},
            {"secretAccessKey", env("OBSCURA_TEST_S3_SECRET_KEY")}};
}

blobs::BlobStoreFactory& factory() {
    static blobs::BlobStoreFactory* f = [] {
        const std::string path = std::string(OBSCURA_PLUGIN_DIR) + "/obscura_blobs_s3.so";
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        REQUIRE_MESSAGE(handle != nullptr, dlerror());
        auto entry = reinterpret_cast<const obscura_blobs_plugin_v1* (*)()>(dlsym(handle, OBSCURA_BLOBS_ENTRY_SYMBOL));
        REQUIRE(reinterpret_cast<void*>(entry) != nullptr);
        REQUIRE(entry()->abi_version == blobs::kBlobsAbiVersion);
        return entry()->factory;
    }();
    return *f;
}

Expected<std::unique_ptr<blobs::BlobStore>> openStore(const std::map<std::string, std::string>& settings) {
    blobs::BlobStoreOptions options;
    options.dataDir = std::filesystem::temp_directory_path().string();
    options.settings = settings;
    return factory().open(options);
}

S3Fixture::S3Fixture() {
    settings = gatewaySettings();
    prefix = "t-" + randomName() + "/";
    settings["prefix"] = prefix;
    tmp = (std::filesystem::temp_directory_path() / ("obscura-s3-" + randomName())).string();
    std::filesystem::create_directories(tmp);
    auto opened = openStore(settings);
    REQUIRE_MESSAGE(opened.ok(), opened.error().message);
    store = std::move(*opened);
}

S3Fixture::~S3Fixture() {
    // The store's root is this test's prefix: empty it (removePrefix("") is refused by contract).
    for (int round = 0; store && round < 100; ++round) {
        auto page = store->list("", "", 1000);
        if (!page || page->entries.empty()) break;
        for (const auto& e : page->entries) (void)store->remove(e.key);
    }
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
}

std::string S3Fixture::file(const std::string& bytes) {
    static int counter = 0;
    const std::string path = tmp + "/f" + std::to_string(++counter);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

std::string randomBytes(std::size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    return s;
}

std::string readAll(blobs::BlobReader& reader) {
    std::string out;
    char buf[65536];
    while (true) {
        auto n = reader.read(buf, sizeof buf);
        REQUIRE_MESSAGE(n.ok(), n.error().message);
        if (*n == 0) return out;
        out.append(buf, *n);
    }
}

HttpAnswer http(const std::string& method, const std::string& url, const std::string& body,
                const std::vector<std::pair<std::string, std::string>>& headers) {
    HttpAnswer answer;
    CURL* c = curl_easy_init();
    curl_slist* list = nullptr;
    for (const auto& [name, value] : headers) list = curl_slist_append(list, (name + ": " + value).c_str());
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "PUT") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
        list = curl_slist_append(list, "Expect:");
        if (std::none_of(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Content-Type"; })) {
            list = curl_slist_append(list, "Content-Type:");  // no form type the URL did not sign
        }
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer.body);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &answer.status);
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
    return answer;
}

std::string signedGet(const std::string& pathAndQuery) { return test::s3SignedGet(pathAndQuery); }

}  // namespace obscura::s3test
