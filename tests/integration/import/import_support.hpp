#pragma once
// A running server on a fresh data dir (SQLite, or MySQL in the _mysql twin) with one user, and `obscura import`
// run against the same data dir and database as a child process; the fixtures of make_takeout.py, made once.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api_session.hpp"
#include "http_client.hpp"
#include "test_support.hpp"

namespace obscura::test {

// make_takeout.py's output, made on first use for the whole binary.
const std::string& importFixtures();

class ImportWorld {
public:
    ImportWorld();
    ~ImportWorld();
    const std::string& dataDir() const { return dataDir_; }
    std::map<std::string, std::string> env() const;
    // `obscura import ARGS… --user ana`: exit code, stdout's JSON summary (null when none), stderr.
    struct Imported {
        int exitCode = -1;
        nlohmann::json summary;
        std::string err;
    };
    Imported import(std::vector<std::string> args);
    HttpClient& http() { return *http_; }
    const std::string& token() const { return session_.access; }
    nlohmann::json get(const std::string& path);
    // Every asset of ana's (archived and trashed left out), oldest first.
    std::vector<nlohmann::json> assets();
    // Files below the data dir's folder `sub` (library, import).
    int filesUnder(const std::string& sub) const;

private:
    TempDir dir_;
    std::string dataDir_;
    std::map<std::string, std::string> storageEnv_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<HttpClient> http_;
    Session session_;
};

// The summary's entries of a list ("skipped", "failed", "warnings") whose path contains `path`.
std::vector<std::string> reasonsFor(const nlohmann::json& summary, const std::string& list, const std::string& path);

}  // namespace obscura::test
