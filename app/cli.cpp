// CLI11 parsing. Each command is one slot: the CLI11 (sub)command, the kind it yields and the shared flags
// it accepts. A later command (`fsck`, `migrate-storage`) is one more Kind, one more slot and, if it takes its
// own arguments, one more field in CliCommand, as `user create` has.
#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <list>
#include <set>
#include <sstream>

namespace obscura {
namespace {

enum FlagBits : unsigned { kConfigFlag = 1U, kPortFlag = 2U, kDataDirFlag = 4U, kUrlFlag = 8U };

constexpr int kDefaultPort = 8080;
constexpr int kUsageExitCode = 2;

struct Slot {
    CLI::App* app = nullptr;
    CliCommand::Kind kind = CliCommand::Serve;
    unsigned flags = 0;
    std::string configFile, dataDir, url;
    int port = 0;
    CLI::Option* configOpt = nullptr;
    CLI::Option* portOpt = nullptr;
    CLI::Option* dataDirOpt = nullptr;
    CLI::Option* urlOpt = nullptr;
    std::set<std::string> inherited;  // flags written before the subcommand, moved here
};

const CLI::Validator kHttpUrl(
    [](std::string& url) {
        return url.rfind("http://", 0) == 0 && url.size() > 7 ? std::string() : std::string("must start with http://");
    },
    "");

class CliParser {
public:
    CliParser() : app_("Obscura: a self-hosted photo and video album server.", "obscura") {
        app_.add_flag("--version", version_, "Print the version and exit");
        root_ = &add(app_, CliCommand::Serve, kConfigFlag | kPortFlag | kDataDirFlag);
        add(*app_.add_subcommand("serve", "Run the server (the default)"), CliCommand::Serve,
            kConfigFlag | kPortFlag | kDataDirFlag);
        add(*app_.add_subcommand("migrate", "Apply database migrations, then exit"), CliCommand::Migrate,
            kConfigFlag | kDataDirFlag);
        add(*app_.add_subcommand("version", "Print the version"), CliCommand::Version, 0);
        add(*app_.add_subcommand("healthcheck", "Exit 0 when the local server answers /healthz"),
            CliCommand::Healthcheck, kConfigFlag | kPortFlag | kUrlFlag);
        CLI::App* config = app_.add_subcommand("config", "Configuration tools");
        add(*config->add_subcommand("check", "Validate the configuration and print every key"), CliCommand::ConfigCheck,
            kConfigFlag | kPortFlag | kDataDirFlag);
        config->require_subcommand(1);
        CLI::App* user = app_.add_subcommand("user", "Account tools");
        CLI::App* create = user->add_subcommand(
            "create",
            "Create an account (the first one is always an admin); the password comes from stdin with "
            "--password-stdin, else from $OBSCURA_USER_PASSWORD");
        add(*create, CliCommand::UserCreate, kConfigFlag | kDataDirFlag);
        create->add_option("--username", newUser_.username, "Username: 3-32 of a-z, 0-9, . _ -")->required();
        create->add_flag("--admin", newUser_.admin, "Make the account an admin");
        create->add_option("--email", newUser_.email, "E-mail address");
        create->add_option("--display-name", newUser_.displayName, "Name shown in the UI");
        create->add_flag("--password-stdin", newUser_.passwordFromStdin,
                         "Read the password from the first line of stdin");
        user->require_subcommand(1);
        CLI::App* fsck = app_.add_subcommand(
            "fsck", "Check library files against asset rows; exits 1 when problems are found (or a repair failed)");
        add(*fsck, CliCommand::Fsck, kConfigFlag | kDataDirFlag);
        CLI::Option* repair =
            fsck->add_flag("--repair", fsck_.repair,
                           "Move files without a row to <dataDir>/lost+found/ and mark rows whose file is gone");
        fsck->add_flag("--reimport", fsck_.reimport,
                       "With --repair: make files without a row assets again (of the user whose folder holds them)")
            ->needs(repair);
        fsck->add_option("--min-age", fsck_.minAgeSeconds,
                         "Files without a row younger than this are left alone: a server may be committing them")
            ->type_name("SECONDS")
            ->check(CLI::Range(0, 100000000).description(""));
        CLI::App* copy = app_.add_subcommand(
            "migrate-storage",
            "Copy a whole library's rows to another storage (e.g. SQLite to MySQL/MariaDB), then check every "
            "table's row count; the target must be empty. Stop the server first");
        add(*copy, CliCommand::MigrateStorage, kConfigFlag);
        copy->add_option("--from", copy_.from, "Source: sqlite:PATH or mysql://user@host:port/db")
            ->type_name("STORAGE")
            ->required();
        copy->add_option("--to", copy_.to,
                         "Target: sqlite:PATH or mysql://user@host:port/db (password: "
                         "database.password, e.g. $OBSCURA_DATABASE_PASSWORD)")
            ->type_name("STORAGE")
            ->required();
        CLI::App* blobCopy = app_.add_subcommand(
            "migrate-blobs",
            "Copy every object of one blob store into another (e.g. local to s3) and verify each by size and "
            "SHA-256; resumable: objects already copied are verified and kept. Stop the server first");
        add(*blobCopy, CliCommand::MigrateBlobs, kConfigFlag | kDataDirFlag);
        blobCopy->add_option("--from", blobCopy_.from, "Source blob plugin: local or s3 (its blobs.<name>.* settings)")
            ->type_name("PLUGIN")
            ->required();
        blobCopy->add_option("--to", blobCopy_.to, "Target blob plugin: local or s3")->type_name("PLUGIN")->required();
        CLI::App* import = app_.add_subcommand(
            "import",
            "Import folders, files and Google Takeout archives into a user's library, as uploads are imported "
            "(type sniffed, duplicates skipped by checksum, quota); a second run imports nothing new. Prints a "
            "JSON summary; exits 1 when a file failed, 130 when interrupted (run it again to continue)");
        add(*import, CliCommand::Import, kConfigFlag | kDataDirFlag);
        import->add_option("paths", import_.paths, "Folders, files, Takeout .zip/.tgz archives")
            ->type_name("PATH")
            ->required();
        import->add_option("--user", import_.user, "Owner of the imported assets (username)")->required();
        import->add_flag("--album-from-folder", import_.albumFromFolder,
                         "Put each file into an album named after its folder (made when missing)");
        import->add_flag("--takeout", import_.takeout,
                         "Google Takeout: JSON sidecars (date, place, description, favourite), album folders");
        import->add_flag("--dry-run", import_.dryRun, "Say what would be imported; change nothing");
        import->add_option("--jobs", import_.jobs, "Files imported at once (default 2)")
            ->type_name("N")
            ->check(CLI::Range(1, 64).description(""));
        CLI::App* backup = app_.add_subcommand(
            "backup",
            "Write a consistent backup of the database and blobs into a new or empty DIR while the server runs "
            "(`backup verify DIR` checks one)");
        CLI::App* verify = backup->add_subcommand(
            "verify", "Check a backup without restoring it: the manifest, every checksum, the database copy");
        add(*verify, CliCommand::BackupVerify, kConfigFlag);  // before backup: the deepest parsed slot wins
        verify->add_option("DIR", verifyDir_, "The backup directory")->required();
        add(*backup, CliCommand::Backup, kConfigFlag | kDataDirFlag);
        backup->add_option("--to", backupTo_, "The backup directory: absent or empty")->type_name("DIR");
        backup->require_subcommand(0, 1);
        CLI::App* restore = app_.add_subcommand(
            "restore",
            "Restore a backup into an empty database and data dir (the server stopped); checks every "
            "checksum first");
        add(*restore, CliCommand::Restore, kConfigFlag | kDataDirFlag);
        restore->add_option("--from", restoreFrom_, "The backup directory")->type_name("DIR")->required();
        // Set last: CLI11 copies these settings into subcommands created afterwards.
        app_.require_subcommand(0, 1);
        app_.footer(
            "Without a subcommand, obscura serves. Configuration: a JSON file (--config or OBSCURA_CONFIG), then "
            "OBSCURA_* environment variables, then flags; see docs/configuration.md.");
    }

    CliCommand parse(int argc, const char* const* argv) {
        try {
            app_.parse(argc, argv);
        } catch (const CLI::ParseError& e) {
            std::ostringstream out, err;
            app_.exit(e, out, err);
            CliCommand help;
            help.kind = CliCommand::Help;
            help.exitCode = e.get_exit_code() == 0 ? 0 : kUsageExitCode;
            help.output = out.str() + err.str();
            return help;
        }
        if (version_) {
            CliCommand cmd;
            cmd.kind = CliCommand::Version;
            return cmd;
        }
        Slot& chosen = chosenSlot();
        if (chosen.kind == CliCommand::Backup && backupTo_.empty()) return usageError("backup needs --to DIR");
        if (auto problem = mergeRootFlags(chosen)) return usageError(*problem);
        return build(chosen);
    }

private:
    Slot& add(CLI::App& app, CliCommand::Kind kind, unsigned flags) {
        Slot& s = slots_.emplace_back();
        s.app = &app;
        s.kind = kind;
        s.flags = flags;
        if (flags & kConfigFlag) {
            s.configOpt = app.add_option("--config", s.configFile, "JSON configuration file (default: $OBSCURA_CONFIG)")
                              ->type_name("FILE");
        }
        if (flags & kPortFlag) {
            s.portOpt = app.add_option("--port", s.port, "TCP port, 0-65535 (server.port)")
                            ->type_name("N")
                            ->check(CLI::Range(0, 65535).description(""));
        }
        if (flags & kDataDirFlag) {
            s.dataDirOpt = app.add_option("--data-dir", s.dataDir, "Data directory (server.dataDir)")->type_name("DIR");
        }
        if (flags & kUrlFlag) {
            s.urlOpt = app.add_option("--url", s.url, "URL to check (default: http://127.0.0.1:<port>/healthz)")
                           ->type_name("URL")
                           ->check(kHttpUrl);
        }
        return s;
    }

    // The deepest parsed subcommand with a slot; none means the bare `obscura`, which serves.
    Slot& chosenSlot() {
        for (auto& s : slots_) {
            if (&s != root_ && s.app->parsed()) return s;
        }
        return *root_;
    }

    // `obscura --config F migrate` reads naturally, so flags before the subcommand are taken when the
    // subcommand accepts them; given on both sides, or meaningless for it, they are a usage error.
    std::optional<std::string> mergeRootFlags(Slot& chosen) {
        if (&chosen == root_) return std::nullopt;
        const auto take = [&](CLI::Option* from, CLI::Option* to, auto& fromValue, auto& toValue,
                              const char* name) -> std::optional<std::string> {
            if (from == nullptr || from->count() == 0) return std::nullopt;
            if (to == nullptr) {
                return std::string(name) + " does not apply to '" + chosen.app->get_name() + "'";
            }
            if (to->count() != 0) return std::string(name) + " was given twice";
            toValue = fromValue;
            chosen.inherited.insert(name);
            return std::nullopt;
        };
        if (auto p = take(root_->configOpt, chosen.configOpt, root_->configFile, chosen.configFile, "--config"))
            return p;
        if (auto p = take(root_->portOpt, chosen.portOpt, root_->port, chosen.port, "--port")) return p;
        if (auto p = take(root_->dataDirOpt, chosen.dataDirOpt, root_->dataDir, chosen.dataDir, "--data-dir")) return p;
        return std::nullopt;
    }

    static bool given(const Slot& s, const CLI::Option* opt, const char* name) {
        return (opt != nullptr && opt->count() != 0) || s.inherited.count(name) != 0;
    }

    CliCommand build(const Slot& s) const {
        CliCommand cmd;
        cmd.kind = s.kind;
        if (given(s, s.configOpt, "--config")) cmd.configFile = s.configFile;
        if (given(s, s.portOpt, "--port")) cmd.overrides["server.port"] = std::to_string(s.port);
        if (given(s, s.dataDirOpt, "--data-dir")) cmd.overrides["server.dataDir"] = s.dataDir;
        if (s.kind == CliCommand::UserCreate) cmd.user = newUser_;
        if (s.kind == CliCommand::Fsck) cmd.fsck = fsck_;
        if (s.kind == CliCommand::MigrateStorage) cmd.copy = copy_;
        if (s.kind == CliCommand::MigrateBlobs) cmd.blobCopy = blobCopy_;
        if (s.kind == CliCommand::Import) cmd.import = import_;
        if (s.kind == CliCommand::Backup) cmd.backupDir = backupTo_;
        if (s.kind == CliCommand::BackupVerify) cmd.backupDir = verifyDir_;
        if (s.kind == CliCommand::Restore) cmd.backupDir = restoreFrom_;
        if (s.kind == CliCommand::Healthcheck) {
            cmd.healthUrlExplicit = given(s, s.urlOpt, "--url");
            const int port = given(s, s.portOpt, "--port") ? s.port : kDefaultPort;
            cmd.healthUrl = cmd.healthUrlExplicit ? s.url : "http://127.0.0.1:" + std::to_string(port) + "/healthz";
        }
        return cmd;
    }

    static CliCommand usageError(const std::string& problem) {
        CliCommand help;
        help.kind = CliCommand::Help;
        help.exitCode = kUsageExitCode;
        help.output = problem + "\nRun with --help for more information.\n";
        return help;
    }

    CLI::App app_;
    bool version_ = false;
    CliCommand::NewUser newUser_;
    CliCommand::FsckFlags fsck_;
    CliCommand::StorageCopy copy_;
    CliCommand::BlobCopy blobCopy_;
    CliCommand::ImportFlags import_;
    std::string backupTo_, verifyDir_, restoreFrom_;
    std::list<Slot> slots_;  // stable addresses: CLI11 writes into the members
    Slot* root_ = nullptr;
};

}  // namespace

CliCommand parseCli(int argc, const char* const* argv) {
    CliParser parser;
    return parser.parse(argc, argv);
}

ConfigSources makeConfigSources(const CliCommand& command, const std::map<std::string, std::string>& env) {
    ConfigSources sources;
    sources.file = command.configFile;
    if (!sources.file) {
        if (const auto it = env.find("OBSCURA_CONFIG"); it != env.end() && !it->second.empty()) {
            sources.file = it->second;
        }
    }
    sources.environment = env;
    sources.overrides = command.overrides;
    return sources;
}

std::string healthcheckUrl(const CliCommand& command, const Config& config) {
    if (command.healthUrlExplicit) return command.healthUrl;
    std::string host = config.getString("server.host");
    if (host == "0.0.0.0") {
        host = "127.0.0.1";
    } else if (host == "::") {
        host = "[::1]";
    } else if (host.find(':') != std::string::npos) {
        host = "[" + host + "]";
    }
    return "http://" + host + ":" + std::to_string(config.getInt("server.port")) + "/healthz";
}

}  // namespace obscura
