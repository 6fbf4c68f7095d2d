#include "mysql_url.hpp"

#include <doctest/doctest.h>

using namespace obscura;
using obscura::mysql::parseConnectionSettings;

namespace {

Expected<mysql::ConnectionSettings> parse(const std::string& url, const std::string& password = "") {
    storage::StorageOptions options;
    options.url = url;
    options.password = password;
    return parseConnectionSettings(options);
}

std::string problem(const std::string& url, const std::string& password = "") {
    auto parsed = parse(url, password);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::Invalid);
    return parsed.error().message;
}

}  // namespace

TEST_SUITE("storage.mysql.url") {
    TEST_CASE("user, host, port and database, with the password from database.password") {
        auto s = parse("mysql://obscura@db.example:3307/photos", "s3cret");
        REQUIRE_MESSAGE(s.ok(), s.error().message);
        CHECK(s->user == "obscura");
        CHECK(s->host == "db.example");
        CHECK(s->port == 3307);
        CHECK(s->database == "photos");
        CHECK(s->password == "s3cret");
        CHECK(s->socket.empty());
        CHECK(s->describe() == "mysql://obscura@db.example:3307/photos");

        auto defaults = parse("mysql://u@h/d");
        REQUIRE(defaults.ok());
        CHECK(defaults->port == 3306);
        CHECK(defaults->connectTimeoutSeconds == 3);
        CHECK(defaults->readTimeoutSeconds == 15);
        CHECK(defaults->password.empty());
    }

    TEST_CASE("IPv6 hosts, %-escaped users, a password in the URL, options and a socket") {
        auto v6 = parse("mysql://u@[::1]:3306/d");
        REQUIRE(v6.ok());
        CHECK(v6->host == "::1");
        CHECK(v6->describe() == "mysql://u@[::1]:3306/d");
        auto escaped = parse("mysql://we%40ird:p%3Ass@h/d");
        REQUIRE(escaped.ok());
        CHECK(escaped->user == "we@ird");
        CHECK(escaped->password == "p:ss");
        auto options = parse("mysql://u@h/d?connectTimeout=1&readTimeout=2&writeTimeout=3&lockWaitTimeout=4");
        REQUIRE(options.ok());
        CHECK(options->connectTimeoutSeconds == 1);
        CHECK(options->readTimeoutSeconds == 2);
        CHECK(options->writeTimeoutSeconds == 3);
        CHECK(options->lockWaitTimeoutSeconds == 4);
        auto socket = parse("mysql://u@localhost/d?socket=/run/mysqld/mysqld.sock");
        REQUIRE(socket.ok());
        CHECK(socket->socket == "/run/mysqld/mysqld.sock");
        CHECK(socket->describe() == "mysql://u@/run/mysqld/mysqld.sock/d");
    }

    TEST_CASE("every malformed URL is Invalid with a message naming the problem") {
        CHECK(problem("").find("not set") != std::string::npos);
        CHECK(problem("postgres://u@h/d").find("mysql://") != std::string::npos);
        CHECK(problem("mysql://u@h").find("no database") != std::string::npos);
        CHECK(problem("mysql://h/d").find("no user") != std::string::npos);
        CHECK(problem("mysql://@h/d").find("user name") != std::string::npos);
        CHECK(problem("mysql://u@h:0/d").find("port") != std::string::npos);
        CHECK(problem("mysql://u@h:99999/d").find("port") != std::string::npos);
        CHECK(problem("mysql://u@h:x/d").find("port") != std::string::npos);
        CHECK(problem("mysql://u@[::1/d").find("'['") != std::string::npos);
        CHECK(problem("mysql://u@h/d;drop").find("database name") != std::string::npos);
        CHECK(problem("mysql://u@h/d?bogus=1").find("unknown option 'bogus'") != std::string::npos);
        CHECK(problem("mysql://u@h/d?readTimeout=0").find("readTimeout") != std::string::npos);
        CHECK(problem("mysql://u@h/d?readTimeout").find("no value") != std::string::npos);
        CHECK(problem("mysql://u@h/d?socket=relative").find("absolute") != std::string::npos);
        CHECK(problem("mysql://u@/d").find("no host") != std::string::npos);
    }

    TEST_CASE("a password is never repeated in a message") {
        const auto twice = problem("mysql://u:inurl-secret@h/d", "env-secret");
        CHECK(twice.find("database.password") != std::string::npos);
        CHECK(twice.find("inurl-secret") == std::string::npos);
        CHECK(twice.find("env-secret") == std::string::npos);
        const auto bad = problem("mysql://u:inurl-secret@h:0/d");
        CHECK(bad.find("inurl-secret") == std::string::npos);
        CHECK(bad.find("mysql://u:***@h:0/d") != std::string::npos);
        CHECK(mysql::redactUrl("mysql://u:p@h/d") == "mysql://u:***@h/d");
        CHECK(mysql::redactUrl("mysql://u@h/d") == "mysql://u@h/d");
    }
}
