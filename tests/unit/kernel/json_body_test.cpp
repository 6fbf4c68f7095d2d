// The one JSON body reader: one answer per kind of bad body (docs/api.md, "Request bodies").
#include "obscura/kernel/json_body.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace obscura;

namespace {

Request withBody(std::string body, std::optional<std::string> contentType = std::string("application/json")) {
    Request request;
    request.body = std::move(body);
    if (contentType) request.headers.set("Content-Type", *contentType);
    return request;
}

ErrorCode codeOf(const Expected<JsonBody>& parsed) { return parsed.error().code; }

}  // namespace

TEST_SUITE("kernel.json_body") {
    TEST_CASE("an empty or blank body reads as an empty object, whatever its declared type") {
        for (const char* blank : {"", "  \r\n\t"}) {
            auto body = JsonBody::parse(withBody(blank, "text/plain"));
            REQUIRE(body.ok());
            CHECK_FALSE(body->has("anything"));
        }
    }

    TEST_CASE("a body declared as something other than JSON is 415") {
        auto parsed = JsonBody::parse(withBody(R"({"a":1})", "text/plain"));
        REQUIRE_FALSE(parsed.ok());
        CHECK(codeOf(parsed) == ErrorCode::UnsupportedMediaType);
        CHECK(JsonBody::parse(withBody(R"({"a":1})", "application/merge-patch+json; charset=utf-8")).ok());
        CHECK(JsonBody::parse(withBody(R"({"a":1})", std::nullopt)).ok());
    }

    TEST_CASE("a body that is not JSON, or not an object, is 400") {
        for (const char* bad : {"{", "not json", "[1,2]", "\"text\"", "42", "null"}) {
            INFO(bad);
            auto parsed = JsonBody::parse(withBody(bad));
            REQUIRE_FALSE(parsed.ok());
            CHECK(codeOf(parsed) == ErrorCode::BadRequest);
        }
    }

    TEST_CASE("a field of the wrong type, null included, or a missing required field is 400") {
        auto body = JsonBody::parse(withBody(R"({"s":1,"b":"yes","n":null,"ids":"x","mixed":["a",2],"c":1.5})"));
        REQUIRE(body.ok());
        CHECK(body->optionalString("s").error().code == ErrorCode::BadRequest);
        CHECK(body->optionalString("n").error().code == ErrorCode::BadRequest);
        CHECK(body->optionalBool("b").error().code == ErrorCode::BadRequest);
        CHECK(body->optionalStrings("ids").error().code == ErrorCode::BadRequest);
        CHECK(body->optionalStrings("mixed").error().code == ErrorCode::BadRequest);
        CHECK(body->optionalStrings("n").error().code == ErrorCode::BadRequest);
        CHECK(body->optionalNullableCount("c").error().code == ErrorCode::BadRequest);
        CHECK(body->requiredString("absent").error().code == ErrorCode::BadRequest);
        CHECK(body->requiredStrings("absent").error().code == ErrorCode::BadRequest);
    }

    TEST_CASE("well-typed values come through; absent optional fields are nullopt; unknown fields are ignored") {
        auto body = JsonBody::parse(withBody(R"({"s":"x","b":true,"ids":["a","b"],"q":null,"n":5,"extra":{}})"));
        REQUIRE(body.ok());
        CHECK(*body->requiredString("s") == "x");
        CHECK(*body->optionalBool("b") == std::optional(true));
        CHECK(*body->requiredStrings("ids") == std::vector<std::string>{"a", "b"});
        CHECK_FALSE(body->optionalStrings("absent")->has_value());
        CHECK_FALSE(body->optionalString("absent")->has_value());
        auto q = body->optionalNullableCount("q");
        REQUIRE(q.ok());
        REQUIRE(q->has_value());
        CHECK_FALSE(q->value().has_value());
        CHECK(**body->optionalNullableCount("n") == std::optional<std::int64_t>(5));
        CHECK(body->json().at("extra").is_object());
    }

    TEST_CASE("a well-typed value that breaks a rule is 422") {
        auto body = JsonBody::parse(withBody(R"({"n":-1})"));
        REQUIRE(body.ok());
        CHECK(body->optionalNullableCount("n").error().code == ErrorCode::Invalid);
    }
}
