#pragma once
// Command-line parsing (CLI11) into a plain description of what to run; running it is main.cpp's job.
//   obscura [serve] [--config FILE] [--port N] [--data-dir DIR]     (serve is the default)
//   obscura migrate [--config FILE] [--data-dir DIR]
//   obscura version
//   obscura healthcheck [--config FILE] [--port N] [--url URL]
//   obscura config check [--config FILE] [--port N] [--data-dir DIR]
//   obscura user create --username U [--admin] [--email E] [--display-name N] [--password-stdin]
//                       [--config FILE] [--data-dir DIR]     (password: stdin, else $OBSCURA_USER_PASSWORD)
//   obscura fsck [--repair [--reimport]] [--min-age SECONDS] [--config FILE] [--data-dir DIR]
//   obscura migrate-storage --from sqlite:PATH|mysql://… --to sqlite:PATH|mysql://… [--config FILE]
//                           (the MySQL side's password: database.password, e.g. $OBSCURA_DATABASE_PASSWORD)
//   obscura import PATH… --user U [--album-from-folder] [--takeout] [--dry-run] [--jobs N] [--config FILE]
//                  [--data-dir DIR]
//   obscura backup --to DIR [--config FILE] [--data-dir DIR]      (while the server runs)
//   obscura backup verify DIR [--config FILE]
//   obscura restore --from DIR [--config FILE] [--data-dir DIR]  (into an empty database and data dir)
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "obscura/kernel/config.hpp"

namespace obscura {

struct CliCommand {
    enum Kind {
        Serve,
        Migrate,
        Version,
        Healthcheck,
        ConfigCheck,
        UserCreate,
        Fsck,
        MigrateStorage,
        MigrateBlobs,
        Import,
        Backup,
        BackupVerify,
        Restore,
        Help
    };
    Kind kind = Serve;
    std::optional<std::string> configFile;         // --config; OBSCURA_CONFIG is resolved by makeConfigSources
    std::map<std::string, std::string> overrides;  // by configuration key: --port -> "server.port"
    // healthcheck: --url, or http://127.0.0.1:<--port or 8080>/healthz. healthcheckUrl() refines the
    // default with the loaded configuration (port and host from the file or environment).
    std::string healthUrl;
    bool healthUrlExplicit = false;  // --url was given
    struct NewUser {
        std::string username;
        bool admin = false;
        std::string email;
        std::string displayName;
        bool passwordFromStdin = false;  // else OBSCURA_USER_PASSWORD; never a flag (it would show in ps)
    };
    NewUser user;  // UserCreate
    struct FsckFlags {
        bool repair = false;
        bool reimport = false;     // only with repair
        int minAgeSeconds = 3600;  // orphans younger than this are left alone (another writer may own them)
    };
    FsckFlags fsck;  // Fsck
    struct StorageCopy {
        std::string from;  // sqlite:PATH or mysql://user@host:port/db
        std::string to;
    };
    StorageCopy copy;  // MigrateStorage
    struct BlobCopy {
        std::string from;  // blob plugin names: local, s3
        std::string to;
    };
    BlobCopy blobCopy;  // MigrateBlobs
    struct ImportFlags {
        std::vector<std::string> paths;  // folders, Takeout zips/tgz, single files
        std::string user;                // username (or id) of the owner
        bool albumFromFolder = false;
        bool takeout = false;
        bool dryRun = false;
        int jobs = 2;  // files imported at once
    };
    ImportFlags import;     // Import
    std::string backupDir;  // Backup: --to; BackupVerify: DIR; Restore: --from
    int exitCode = 0;       // Help: 0 for --help, 2 for a parse error
    std::string output;     // Help: the text to print (stdout when exitCode is 0, else stderr)
};

CliCommand parseCli(int argc, const char* const* argv);

// The configuration sources for a command: --config, else a non-empty OBSCURA_CONFIG from env; env; flags.
ConfigSources makeConfigSources(const CliCommand& command, const std::map<std::string, std::string>& env);

// Where `obscura healthcheck` should knock: --url when given, else /healthz on the configured port, at
// server.host unless that is a wildcard address (then loopback).
std::string healthcheckUrl(const CliCommand& command, const Config& config);

}  // namespace obscura
