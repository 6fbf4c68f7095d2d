#include "cli.hpp"

#include <doctest/doctest.h>

#include <vector>

using obscura::CliCommand;

namespace {

CliCommand parse(std::vector<const char*> args) {
    args.insert(args.begin(), "obscura");
    return obscura::parseCli(static_cast<int>(args.size()), args.data());
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE("app.cli") {
    TEST_CASE("no subcommand means serve with nothing overridden") {
        const auto cmd = parse({});
        CHECK(cmd.kind == CliCommand::Serve);
        CHECK_FALSE(cmd.configFile.has_value());
        CHECK(cmd.overrides.empty());
        CHECK(cmd.exitCode == 0);
    }

    TEST_CASE("serve flags map to configuration keys") {
        const auto cmd = parse({"serve", "--config", "/etc/obscura.json", "--port", "9000", "--data-dir", "/srv/d"});
        CHECK(cmd.kind == CliCommand::Serve);
        CHECK(cmd.configFile == std::optional<std::string>("/etc/obscura.json"));
        CHECK(cmd.overrides ==
              std::map<std::string, std::string>{{"server.port", "9000"}, {"server.dataDir", "/srv/d"}});
    }

    TEST_CASE("serve flags work without the serve subcommand") {
        const auto cmd = parse({"--port", "0", "--data-dir", "d"});
        CHECK(cmd.kind == CliCommand::Serve);
        CHECK(cmd.overrides.at("server.port") == "0");
        CHECK(cmd.overrides.at("server.dataDir") == "d");
    }

    TEST_CASE("a flag before the subcommand applies to it when the subcommand accepts it") {
        const auto migrate = parse({"--config", "c.json", "migrate", "--data-dir", "d"});
        CHECK(migrate.kind == CliCommand::Migrate);
        CHECK(migrate.configFile == std::optional<std::string>("c.json"));
        CHECK(migrate.overrides.at("server.dataDir") == "d");

        const auto notApplicable = parse({"--port", "1", "migrate"});
        CHECK(notApplicable.kind == CliCommand::Help);
        CHECK(notApplicable.exitCode == 2);
        CHECK(contains(notApplicable.output, "--port does not apply to 'migrate'"));

        const auto twice = parse({"--port", "1", "serve", "--port", "2"});
        CHECK(twice.exitCode == 2);
        CHECK(contains(twice.output, "--port was given twice"));
    }

    TEST_CASE("an unknown flag or argument exits 2 with CLI11's message") {
        const auto flag = parse({"--bogus"});
        CHECK(flag.kind == CliCommand::Help);
        CHECK(flag.exitCode == 2);
        CHECK(contains(flag.output, "--bogus"));

        const auto argument = parse({"frobnicate"});
        CHECK(argument.exitCode == 2);
        CHECK(contains(argument.output, "frobnicate"));

        const auto onSubcommand = parse({"version", "--port", "1"});
        CHECK(onSubcommand.exitCode == 2);
    }

    TEST_CASE("a port that is not a number in 0..65535 exits 2") {
        CHECK(parse({"--port", "abc"}).exitCode == 2);
        CHECK(parse({"serve", "--port", "70000"}).exitCode == 2);
        CHECK(parse({"serve", "--port", "-1"}).exitCode == 2);
        CHECK(parse({"serve", "--port"}).exitCode == 2);
    }

    TEST_CASE("--help prints the commands and exits 0") {
        const auto help = parse({"--help"});
        CHECK(help.kind == CliCommand::Help);
        CHECK(help.exitCode == 0);
        for (const char* word :
             {"serve", "migrate", "version", "healthcheck", "config", "user", "--port", "--data-dir"}) {
            CHECK_MESSAGE(contains(help.output, word), word);
        }
        const auto sub = parse({"config", "check", "--help"});
        CHECK(sub.exitCode == 0);
        CHECK(contains(sub.output, "--data-dir"));
    }

    TEST_CASE("config check takes the serve flags; config alone is a usage error") {
        const auto cmd = parse({"config", "check", "--config", "x.json", "--port", "8081", "--data-dir", "d"});
        CHECK(cmd.kind == CliCommand::ConfigCheck);
        CHECK(cmd.configFile == std::optional<std::string>("x.json"));
        CHECK(cmd.overrides.at("server.port") == "8081");
        CHECK(cmd.overrides.at("server.dataDir") == "d");
        CHECK(parse({"config"}).exitCode == 2);
        CHECK(parse({"config", "frob"}).exitCode == 2);
    }

    TEST_CASE("migrate takes --config and --data-dir but not --port") {
        const auto cmd = parse({"migrate", "--data-dir", "/srv/d"});
        CHECK(cmd.kind == CliCommand::Migrate);
        CHECK(cmd.overrides == std::map<std::string, std::string>{{"server.dataDir", "/srv/d"}});
        CHECK(parse({"migrate", "--port", "1"}).exitCode == 2);
    }

    TEST_CASE("user create takes the account's fields, --config and --data-dir, and reads nothing yet") {
        const auto cmd = parse({"user", "create", "--username", "alice", "--admin", "--email", "a@example.org",
                                "--display-name", "Alice A.", "--password-stdin", "--data-dir", "/srv/d"});
        CHECK(cmd.kind == CliCommand::UserCreate);
        CHECK(cmd.user.username == "alice");
        CHECK(cmd.user.admin);
        CHECK(cmd.user.email == "a@example.org");
        CHECK(cmd.user.displayName == "Alice A.");
        CHECK(cmd.user.passwordFromStdin);
        CHECK(cmd.overrides == std::map<std::string, std::string>{{"server.dataDir", "/srv/d"}});

        const auto plain = parse({"--config", "c.json", "user", "create", "--username", "bob"});
        CHECK(plain.kind == CliCommand::UserCreate);
        CHECK(plain.configFile == std::optional<std::string>("c.json"));
        CHECK_FALSE(plain.user.admin);
        CHECK_FALSE(plain.user.passwordFromStdin);
    }

    TEST_CASE("user create needs --username, takes no password flag, and user alone is a usage error") {
        const auto missing = parse({"user", "create"});
        CHECK(missing.exitCode == 2);
        CHECK(contains(missing.output, "--username"));
        // A password on the command line would be visible to every user of the machine in ps.
        CHECK(parse({"user", "create", "--username", "a", "--password", "secret"}).exitCode == 2);
        CHECK(parse({"user", "create", "--username", "a", "--port", "1"}).exitCode == 2);
        CHECK(parse({"user"}).exitCode == 2);
        const auto help = parse({"user", "create", "--help"});
        CHECK(help.exitCode == 0);
        CHECK(contains(help.output, "--password-stdin"));
        CHECK(contains(help.output, "OBSCURA_USER_PASSWORD"));
    }

    TEST_CASE("fsck lists by default; --repair, --reimport and --min-age refine it") {
        const auto plain = parse({"fsck", "--data-dir", "/srv/d"});
        CHECK(plain.kind == CliCommand::Fsck);
        CHECK_FALSE(plain.fsck.repair);
        CHECK_FALSE(plain.fsck.reimport);
        CHECK(plain.fsck.minAgeSeconds == 3600);
        CHECK(plain.overrides == std::map<std::string, std::string>{{"server.dataDir", "/srv/d"}});

        const auto repair = parse({"--config", "c.json", "fsck", "--repair", "--reimport", "--min-age", "0"});
        CHECK(repair.kind == CliCommand::Fsck);
        CHECK(repair.fsck.repair);
        CHECK(repair.fsck.reimport);
        CHECK(repair.fsck.minAgeSeconds == 0);
        CHECK(repair.configFile == std::optional<std::string>("c.json"));
    }

    TEST_CASE("fsck --reimport needs --repair; a negative age and --port are usage errors") {
        const auto alone = parse({"fsck", "--reimport"});
        CHECK(alone.exitCode == 2);
        CHECK(contains(alone.output, "--repair"));
        CHECK(parse({"fsck", "--min-age", "-1"}).exitCode == 2);
        CHECK(parse({"fsck", "--port", "1"}).exitCode == 2);
        CHECK(contains(parse({"--help"}).output, "fsck"));
    }

    TEST_CASE("migrate-storage takes a source and a target, and --config") {
        const auto copy = parse(
            {"migrate-storage", "--from", "sqlite:/srv/data/obscura.db", "--to", "mysql://obscura@db:3306/obscura"});
        CHECK(copy.kind == CliCommand::MigrateStorage);
        CHECK(copy.copy.from == "sqlite:/srv/data/obscura.db");
        CHECK(copy.copy.to == "mysql://obscura@db:3306/obscura");
        CHECK(copy.overrides.empty());
        const auto withConfig =
            parse({"--config", "c.json", "migrate-storage", "--to", "mysql://u@h/d", "--from", "sqlite:x.db"});
        CHECK(withConfig.kind == CliCommand::MigrateStorage);
        CHECK(withConfig.configFile == std::optional<std::string>("c.json"));
        CHECK(withConfig.copy.from == "sqlite:x.db");
    }

    TEST_CASE("migrate-storage without --from or --to, or with --data-dir or --port, is a usage error") {
        const auto noTarget = parse({"migrate-storage", "--from", "sqlite:/a.db"});
        CHECK(noTarget.kind == CliCommand::Help);
        CHECK(noTarget.exitCode == 2);
        CHECK(contains(noTarget.output, "--to"));
        CHECK(parse({"migrate-storage", "--to", "mysql://u@h/d"}).exitCode == 2);
        CHECK(parse({"migrate-storage", "--from", "a", "--to", "b", "--data-dir", "/d"}).exitCode == 2);
        CHECK(parse({"migrate-storage", "--from", "a", "--to", "b", "--port", "1"}).exitCode == 2);
        CHECK(contains(parse({"--help"}).output, "migrate-storage"));
    }

    TEST_CASE("version as a subcommand and as a flag") {
        CHECK(parse({"version"}).kind == CliCommand::Version);
        CHECK(parse({"--version"}).kind == CliCommand::Version);
    }

    TEST_CASE("healthcheck defaults to /healthz on loopback port 8080") {
        const auto cmd = parse({"healthcheck"});
        CHECK(cmd.kind == CliCommand::Healthcheck);
        CHECK(cmd.healthUrl == "http://127.0.0.1:8080/healthz");
        CHECK_FALSE(cmd.healthUrlExplicit);

        const auto port = parse({"healthcheck", "--port", "9000"});
        CHECK(port.healthUrl == "http://127.0.0.1:9000/healthz");
        CHECK(port.overrides.at("server.port") == "9000");

        const auto url = parse({"healthcheck", "--url", "http://10.0.0.5:81/healthz"});
        CHECK(url.healthUrl == "http://10.0.0.5:81/healthz");
        CHECK(url.healthUrlExplicit);
        CHECK(parse({"healthcheck", "--url", "ftp://x/"}).exitCode == 2);
    }

    TEST_CASE("healthcheckUrl follows the configured port and host unless --url was given") {
        const auto cmd = parse({"healthcheck"});
        auto env = obscura::Config::load(obscura::makeConfigSources(cmd, {{"OBSCURA_SERVER_PORT", "9100"}}));
        REQUIRE(env.ok());
        CHECK(obscura::healthcheckUrl(cmd, *env) == "http://127.0.0.1:9100/healthz");

        const auto flagged = parse({"healthcheck", "--port", "9200"});
        auto flag = obscura::Config::load(obscura::makeConfigSources(flagged, {{"OBSCURA_SERVER_PORT", "9100"}}));
        REQUIRE(flag.ok());
        CHECK(obscura::healthcheckUrl(flagged, *flag) == "http://127.0.0.1:9200/healthz");

        auto c = obscura::Config::defaults();
        REQUIRE(c.set("server.host", "::").ok());
        CHECK(obscura::healthcheckUrl(cmd, c) == "http://[::1]:8080/healthz");
        REQUIRE(c.set("server.host", "10.1.2.3").ok());
        CHECK(obscura::healthcheckUrl(cmd, c) == "http://10.1.2.3:8080/healthz");

        const auto url = parse({"healthcheck", "--url", "http://h:1/x"});
        CHECK(obscura::healthcheckUrl(url, c) == "http://h:1/x");
    }

    TEST_CASE("makeConfigSources prefers --config over OBSCURA_CONFIG and passes env and flags on") {
        const std::map<std::string, std::string> env{{"OBSCURA_CONFIG", "/env.json"}, {"OBSCURA_LOG_LEVEL", "debug"}};
        const auto flagged = obscura::makeConfigSources(parse({"--config", "/flag.json", "--port", "1"}), env);
        CHECK(flagged.file == std::optional<std::string>("/flag.json"));
        CHECK(flagged.environment == env);
        CHECK(flagged.overrides.at("server.port") == "1");

        CHECK(obscura::makeConfigSources(parse({}), env).file == std::optional<std::string>("/env.json"));
        CHECK_FALSE(obscura::makeConfigSources(parse({}), {{"OBSCURA_CONFIG", ""}}).file.has_value());
        CHECK_FALSE(obscura::makeConfigSources(parse({}), {}).file.has_value());
    }

    TEST_CASE("backup --to, backup verify DIR and restore --from name their directory; backup needs --to") {
        const auto backup = parse({"backup", "--to", "/b/1", "--data-dir", "/srv/d"});
        CHECK(backup.kind == CliCommand::Backup);
        CHECK(backup.backupDir == "/b/1");
        CHECK(backup.overrides.at("server.dataDir") == "/srv/d");
        const auto verify = parse({"backup", "verify", "/b/2"});
        CHECK(verify.kind == CliCommand::BackupVerify);
        CHECK(verify.backupDir == "/b/2");
        const auto restore = parse({"restore", "--from", "/b/3", "--config", "/c.json"});
        CHECK(restore.kind == CliCommand::Restore);
        CHECK(restore.backupDir == "/b/3");
        CHECK(restore.configFile == std::optional<std::string>("/c.json"));

        const auto noTarget = parse({"backup"});
        CHECK(noTarget.kind == CliCommand::Help);
        CHECK(noTarget.exitCode == 2);
        CHECK(contains(noTarget.output, "--to"));
        CHECK(parse({"restore"}).kind == CliCommand::Help);
        CHECK(parse({"backup", "verify"}).kind == CliCommand::Help);
    }
}
