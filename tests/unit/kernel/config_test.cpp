#include "obscura/kernel/config.hpp"

#include <doctest/doctest.h>

#include <set>
#include <stdexcept>

#include "test_support.hpp"

using obscura::Config;
using obscura::ConfigSources;
using obscura::Expected;

namespace {

using Env = std::map<std::string, std::string>;

Expected<Config> load(Env env = {}, Env overrides = {}, std::optional<std::string> file = std::nullopt) {
    ConfigSources sources;
    sources.file = std::move(file);
    sources.environment = std::move(env);
    sources.overrides = std::move(overrides);
    return Config::load(sources);
}

// The load error's message; fails the test when the load succeeded.
std::string errorOf(const Expected<Config>& result) {
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

struct ConfigFile {
    obscura::test::TempDir dir;
    std::string path = dir / "obscura.json";
    explicit ConfigFile(const std::string& content) { obscura::test::writeFile(path, content); }
};

}  // namespace

TEST_SUITE("kernel.config") {
    TEST_CASE("defaults are those of the design table") {
        auto c = load();
        REQUIRE(c.ok());
        CHECK(c->getInt("server.port") == 8080);
        CHECK(c->getString("server.host") == "0.0.0.0");
        CHECK(c->getString("server.dataDir") == "./data");
        CHECK(c->getString("storage.plugin") == "sqlite");
        CHECK(c->getString("storage.pluginDir").empty());
        CHECK(c->getString("database.url").empty());
        CHECK(c->getString("auth.jwtSecret").empty());
        CHECK(c->getString("auth.registration").empty());
        CHECK(c->getInt("images.maxUploadBytes") == 10LL * 1024 * 1024 * 1024);
        CHECK(c->getString("media.smtp.tls") == "starttls");
        CHECK(c->getBool("log.accessLog"));
        CHECK(c->getList("server.trustedProxies").empty());
        CHECK_FALSE(c->isSet("server.port"));
        CHECK(c->origin("server.port") == "default");
    }

    TEST_CASE("every key has a distinct environment name of the OBSCURA_SECTION_CAMEL_KEY form") {
        CHECK(obscura::configEnvName("server.port") == "OBSCURA_SERVER_PORT");
        CHECK(obscura::configEnvName("server.dataDir") == "OBSCURA_SERVER_DATA_DIR");
        CHECK(obscura::configEnvName("images.trashDays") == "OBSCURA_IMAGES_TRASH_DAYS");
        CHECK(obscura::configEnvName("media.smtp.host") == "OBSCURA_MEDIA_SMTP_HOST");
        CHECK(obscura::configEnvName("server.maxJsonBodyBytes") == "OBSCURA_SERVER_MAX_JSON_BODY_BYTES");
        std::set<std::string> names;
        for (const auto& k : Config::schema()) {
            CHECK_MESSAGE(names.insert(obscura::configEnvName(k.key)).second, k.key);
            for (const auto& alias : k.envAliases) CHECK_MESSAGE(names.insert(alias).second, alias);
        }
    }

    TEST_CASE("every default passes the rules of its own key") {
        for (const auto& k : Config::schema()) {
            Config c = Config::defaults();
            auto s = c.set(k.key, k.defaultValue);
            CHECK_MESSAGE(s.ok(), k.key << ": " << (s.ok() ? "" : s.error().message));
        }
    }

    TEST_CASE("the file overrides the defaults") {
        ConfigFile f(
            R"({"server": {"port": 9000, "trustedProxies": ["10.0.0.0/8", "::1"]}, "log": {"accessLog": false}})");
        auto c = load({}, {}, f.path);
        REQUIRE(c.ok());
        CHECK(c->getInt("server.port") == 9000);
        CHECK(c->getList("server.trustedProxies") == std::vector<std::string>{"10.0.0.0/8", "::1"});
        CHECK_FALSE(c->getBool("log.accessLog"));
        CHECK(c->origin("server.port") == "file");
        CHECK(c->isSet("server.port"));
        CHECK(c->getString("server.dataDir") == "./data");
    }

    TEST_CASE("the environment overrides the file") {
        ConfigFile f(R"({"server": {"port": 9000, "dataDir": "/from/file"}})");
        auto c = load({{"OBSCURA_SERVER_PORT", "9100"}}, {}, f.path);
        REQUIRE(c.ok());
        CHECK(c->getInt("server.port") == 9100);
        CHECK(c->origin("server.port") == "env OBSCURA_SERVER_PORT");
        CHECK(c->getString("server.dataDir") == "/from/file");
    }

    TEST_CASE("flags override the environment") {
        ConfigFile f(R"({"server": {"port": 9000}})");
        auto c = load({{"OBSCURA_SERVER_PORT", "9100"}}, {{"server.port", "9200"}}, f.path);
        REQUIRE(c.ok());
        CHECK(c->getInt("server.port") == 9200);
        CHECK(c->origin("server.port") == "flag");
    }

    TEST_CASE("nested smtp keys are read from the file and the environment") {
        ConfigFile f(R"({"media": {"smtp": {"host": "mail.example.org", "port": 465, "tls": "tls"}}})");
        auto c = load({{"OBSCURA_MEDIA_SMTP_USERNAME", "photos"}, {"OBSCURA_MEDIA_SMTP_PORT", "2525"}}, {}, f.path);
        REQUIRE(c.ok());
        CHECK(c->getString("media.smtp.host") == "mail.example.org");
        CHECK(c->getString("media.smtp.tls") == "tls");
        CHECK(c->getString("media.smtp.username") == "photos");
        CHECK(c->getInt("media.smtp.port") == 2525);
    }

    TEST_CASE("OBSCURA_DATA_DIR is an alias of server.dataDir, below the canonical name") {
        auto alias = load({{"OBSCURA_DATA_DIR", "/srv/photos"}});
        REQUIRE(alias.ok());
        CHECK(alias->getString("server.dataDir") == "/srv/photos");
        CHECK(alias->origin("server.dataDir") == "env OBSCURA_DATA_DIR");

        auto same = load({{"OBSCURA_DATA_DIR", "/srv/a"}, {"OBSCURA_SERVER_DATA_DIR", "/srv/a"}});
        REQUIRE(same.ok());
        CHECK(same->origin("server.dataDir") == "env OBSCURA_SERVER_DATA_DIR");

        const auto message = errorOf(load({{"OBSCURA_DATA_DIR", "/srv/a"}, {"OBSCURA_SERVER_DATA_DIR", "/srv/b"}}));
        CHECK(message.find("OBSCURA_DATA_DIR") != std::string::npos);
        CHECK(message.find("OBSCURA_SERVER_DATA_DIR") != std::string::npos);
    }

    TEST_CASE("unknown file keys are all named in one error with the file") {
        ConfigFile f(R"({"server": {"prot": 9000, "port": 1}, "media": {"smtp": {"hots": "x"}}, "extra": {}})");
        const auto message = errorOf(load({}, {}, f.path));
        CHECK(message.rfind("unknown configuration keys ", 0) == 0);
        CHECK(message.find("\"server.prot\" (did you mean \"server.port\"?)") != std::string::npos);
        CHECK(message.find("\"media.smtp.hots\"") != std::string::npos);
        CHECK(message.find("\"extra\",") != std::string::npos);  // no far-fetched suggestion
        CHECK(message.find("in " + f.path) != std::string::npos);
    }

    TEST_CASE("dotted names in the file are refused rather than read as a second spelling") {
        ConfigFile f(R"({"server.port": 9000})");
        CHECK(errorOf(load({}, {}, f.path)).find("\"server.port\" (write nested objects") != std::string::npos);
    }

    TEST_CASE("an unknown variable of a known section is named") {
        const auto message = errorOf(load({{"OBSCURA_SERVER_X", "1"}, {"OBSCURA_MEDIA_SMTP_HOSTNAME", "m"}}));
        CHECK(message.find("OBSCURA_SERVER_X") != std::string::npos);
        CHECK(message.find("OBSCURA_MEDIA_SMTP_HOSTNAME (did you mean OBSCURA_MEDIA_SMTP_HOST") != std::string::npos);
    }

    TEST_CASE("variables outside the known sections are ignored") {
        auto c = load({{"OBSCURA_SERVICE_HOST", "10.0.0.1"},
                       {"OBSCURA_PORT_8080_TCP", "tcp://10.0.0.1:8080"},
                       {"OBSCURA_PORT", "tcp://10.0.0.1:8080"},
                       {"OBSCURA_CONFIG", "/nonexistent.json"},
                       {"OBSCURA_LOG", "x"},
                       {"HOME", "/root"}});
        CHECK(c.ok());
    }

    TEST_CASE("Kubernetes service links of a service named like a section are ignored, other names are not") {
        Env env{{"OBSCURA_MEDIA_SERVICE_HOST", "10.0.0.2"},
                {"OBSCURA_MEDIA_SERVICE_PORT", "80"},
                {"OBSCURA_MEDIA_PORT", "tcp://10.0.0.2:80"},
                {"OBSCURA_MEDIA_PORT_80_TCP_ADDR", "10.0.0.2"}};
        CHECK(load(env).ok());
        CHECK(errorOf(load({{"OBSCURA_MEDIA_PORT", "tcp://10.0.0.2:80"}})).find("OBSCURA_MEDIA_PORT") !=
              std::string::npos);
    }

    TEST_CASE("a value that is not an integer is named with key and source") {
        CHECK(errorOf(load({{"OBSCURA_SERVER_PORT", "abc"}})) ==
              "server.port: \"abc\" from OBSCURA_SERVER_PORT is not an integer");
        CHECK(errorOf(load({}, {{"server.port", "80x"}})) ==
              "server.port: \"80x\" from the command line is not an integer");
    }

    TEST_CASE("an out-of-range integer is named with key, source and range") {
        ConfigFile f(R"({"server": {"port": 70000}})");
        CHECK(errorOf(load({}, {}, f.path)) == "server.port: 70000 from " + f.path + " is out of range 0..65535");
        CHECK(errorOf(load({{"OBSCURA_SERVER_IO_THREADS", "65"}})).find("server.ioThreads") != std::string::npos);
    }

    TEST_CASE("a value outside an enumeration lists the allowed values") {
        CHECK(errorOf(load({{"OBSCURA_LOG_LEVEL", "verbose"}})) ==
              "log.level: \"verbose\" from OBSCURA_LOG_LEVEL is not one of trace, debug, info, warn, error");
        CHECK(errorOf(load({{"OBSCURA_AUTH_REGISTRATION", "invite"}})).find("auth.registration") != std::string::npos);
        auto closed = load({{"OBSCURA_AUTH_REGISTRATION", "closed"}});
        REQUIRE(closed.ok());
        CHECK(closed->getString("auth.registration") == "closed");
    }

    TEST_CASE("trusted proxies must be IP addresses or CIDRs") {
        auto good = load({{"OBSCURA_SERVER_TRUSTED_PROXIES", " 10.0.0.0/8, 192.168.1.1 ,fd00::/8,"}});
        REQUIRE(good.ok());
        CHECK(good->getList("server.trustedProxies") ==
              std::vector<std::string>{"10.0.0.0/8", "192.168.1.1", "fd00::/8"});
        for (const char* bad : {"10.0.0.0/33", "10.0.0/8", "proxy.local", "::1/129", "10.0.0.1/"}) {
            const auto message = errorOf(load({{"OBSCURA_SERVER_TRUSTED_PROXIES", bad}}));
            CHECK(message.find("server.trustedProxies") != std::string::npos);
            CHECK(message.find("from OBSCURA_SERVER_TRUSTED_PROXIES") != std::string::npos);
            CHECK(message.find(std::string("\"") + bad + "\" that is not an IP address or CIDR") != std::string::npos);
        }
    }

    TEST_CASE("a short jwtSecret is refused without printing it") {
        const std::string secret = "tooshort-secret-value";
        const auto message = errorOf(load({{"OBSCURA_AUTH_JWT_SECRET", secret}}));
        CHECK(message ==
              "auth.jwtSecret from OBSCURA_AUTH_JWT_SECRET is too short: 21 characters, at least 32 are required");
        CHECK(message.find(secret) == std::string::npos);
        auto ok = load({{"OBSCURA_AUTH_JWT_SECRET", std::string(32, 'k')}});
        REQUIRE(ok.ok());
        CHECK(ok->getString("auth.jwtSecret") == std::string(32, 'k'));
    }

    TEST_CASE("other string rules: plugin name, public URL, database URL, host, data dir") {
        CHECK(errorOf(load({{"OBSCURA_STORAGE_PLUGIN", "../evil"}})).find("storage.plugin") != std::string::npos);
        CHECK(errorOf(load({{"OBSCURA_SERVER_PUBLIC_URL", "photos.example.org"}})).find("http:// or https://") !=
              std::string::npos);
        CHECK(errorOf(load({{"OBSCURA_SERVER_PUBLIC_URL", "https://x.org/?a=1"}})).find("server.publicUrl") !=
              std::string::npos);
        CHECK(load({{"OBSCURA_SERVER_PUBLIC_URL", "https://photos.example.org/base"}}).ok());
        CHECK(errorOf(load({{"OBSCURA_DATABASE_URL", "localhost:3306"}})).find("database.url") != std::string::npos);
        CHECK(load({{"OBSCURA_DATABASE_URL", "mysql://obscura@db:3306/obscura"}}).ok());
        CHECK(errorOf(load({{"OBSCURA_SERVER_HOST", "bad host"}})).find("server.host") != std::string::npos);
        CHECK(errorOf(load({{"OBSCURA_SERVER_DATA_DIR", ""}})).find("must not be empty") != std::string::npos);
        CHECK(errorOf(load({{"OBSCURA_SERVER_DATA_DIR", "/srv/a\nb"}})).find("control character") != std::string::npos);
    }

    TEST_CASE("bytes that are not UTF-8 are reported or kept, never thrown") {
        CHECK(errorOf(load({{"OBSCURA_SERVER_PORT", "80\xff"}})).find("is not an integer") != std::string::npos);
        auto c = load({{"OBSCURA_SERVER_DATA_DIR", "/srv/\xff"}});
        REQUIRE(c.ok());
        CHECK(c->getString("server.dataDir") == "/srv/\xff");
        CHECK(c->describe().find("server.dataDir") != std::string::npos);
    }

    TEST_CASE("booleans from the environment accept true/false/1/0/yes/no") {
        for (const auto& [text, expected] : std::map<std::string, bool>{
                 {"true", true}, {"FALSE", false}, {"1", true}, {"0", false}, {"yes", true}, {" no ", false}}) {
            auto c = load({{"OBSCURA_LOG_ACCESS_LOG", text}});
            REQUIRE_MESSAGE(c.ok(), text);
            CHECK_MESSAGE(c->getBool("log.accessLog") == expected, text);
        }
        CHECK(errorOf(load({{"OBSCURA_LOG_ACCESS_LOG", "maybe"}})).find("is not a boolean") != std::string::npos);
    }

    TEST_CASE("a malformed file is reported with its path and the parse position") {
        ConfigFile f("{\n  \"server\": {\n    \"port\": 9000,\n  }\n}\n");
        const auto message = errorOf(load({}, {}, f.path));
        CHECK(message.find("cannot parse configuration file " + f.path) != std::string::npos);
        CHECK(message.find("line 4") != std::string::npos);
    }

    TEST_CASE("a missing file, a directory or a non-object file is a clear error") {
        obscura::test::TempDir dir;
        CHECK(errorOf(load({}, {}, dir / "absent.json")) ==
              "cannot read configuration file " + (dir / "absent.json") + ": No such file or directory");
        CHECK(errorOf(load({}, {}, dir.path())).find("is a directory") != std::string::npos);
        ConfigFile array("[1, 2]");
        CHECK(errorOf(load({}, {}, array.path)).find("must hold a JSON object, not array") != std::string::npos);
    }

    TEST_CASE("JSON values must have the type of their key") {
        ConfigFile portString(R"({"server": {"port": "9000"}})");
        CHECK(errorOf(load({}, {}, portString.path)) ==
              "server.port: \"9000\" from " + portString.path + " must be a JSON integer, not string");
        ConfigFile fraction(R"({"server": {"port": 80.5}})");
        CHECK(errorOf(load({}, {}, fraction.path)).find("not a fraction") != std::string::npos);
        ConfigFile hostNumber(R"({"server": {"host": 1}})");
        CHECK(errorOf(load({}, {}, hostNumber.path)).find("must be a JSON string, not number") != std::string::npos);
        ConfigFile boolString(R"({"log": {"accessLog": "yes"}})");
        CHECK(errorOf(load({}, {}, boolString.path)).find("must be true or false") != std::string::npos);
        ConfigFile listString(R"({"server": {"trustedProxies": "10.0.0.1"}})");
        CHECK(errorOf(load({}, {}, listString.path)).find("must be a JSON array of strings") != std::string::npos);
        ConfigFile sectionValue(R"({"media": {"smtp": "mail.example.org"}})");
        CHECK(errorOf(load({}, {}, sectionValue.path)).find("media.smtp") != std::string::npos);
    }

    TEST_CASE("problems from every source are reported together") {
        ConfigFile f(R"({"server": {"port": -1}})");
        const auto message = errorOf(load({{"OBSCURA_LOG_FORMAT", "xml"}}, {{"server.dataDir", ""}}, f.path));
        CHECK(message.find("server.port") != std::string::npos);
        CHECK(message.find("log.format") != std::string::npos);
        CHECK(message.find("server.dataDir") != std::string::npos);
    }

    TEST_CASE("describe() lists every key with origin and hides secrets") {
        const std::string jwt(40, 'j');
        auto c = load({{"OBSCURA_AUTH_JWT_SECRET", jwt},
                       {"OBSCURA_DATABASE_PASSWORD", "hunter2-db"},
                       {"OBSCURA_DATABASE_URL", "mysql://obscura:inline-pw@db:3306/obscura"}});
        REQUIRE(c.ok());
        const auto text = c->describe();
        for (const auto& k : Config::schema()) CHECK_MESSAGE(text.find(k.key + " ") != std::string::npos, k.key);
        CHECK(text.find(jwt) == std::string::npos);
        CHECK(text.find("hunter2-db") == std::string::npos);
        CHECK(text.find("inline-pw") == std::string::npos);
        CHECK(text.find("mysql://obscura:***@db:3306/obscura") != std::string::npos);
        CHECK(text.find("***  (env OBSCURA_AUTH_JWT_SECRET)") != std::string::npos);
        CHECK(text.find("8080  (default)") != std::string::npos);
    }

    TEST_CASE("set() validates like any other source") {
        Config c = Config::defaults();
        CHECK(c.set("server.port", "9300").ok());
        CHECK(c.getInt("server.port") == 9300);
        CHECK(c.origin("server.port") == "flag");
        CHECK_FALSE(c.set("server.port", "-5").ok());
        CHECK_FALSE(c.set("server.nope", "1").ok());
        CHECK(c.getInt("server.port") == 9300);
    }

    TEST_CASE("reading an unknown key or with the wrong type is a programming error") {
        Config c = Config::defaults();
        CHECK_THROWS_AS(c.getString("server.nope"), std::logic_error);
        CHECK_THROWS_AS(c.getString("server.port"), std::logic_error);
        CHECK_THROWS_AS(c.getInt("server.host"), std::logic_error);
        CHECK_THROWS_AS(c.getBool("server.port"), std::logic_error);
        CHECK_THROWS_AS(c.getList("server.host"), std::logic_error);
        CHECK_THROWS_AS(c.origin("nope"), std::logic_error);
    }
}
