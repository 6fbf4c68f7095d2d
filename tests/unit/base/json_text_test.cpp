#include "obscura/base/json_text.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <map>
#include <nlohmann/json.hpp>

using namespace obscura;

TEST_SUITE("base.json_text") {
    TEST_CASE("strings are escaped exactly as a JSON parser reads them back") {
        const std::string tricky = std::string("quote\" back\\ nl\n tab\t ctl\x01 nul") + '\0' + " ü 😀 /";
        std::string out;
        appendJsonString(out, tricky);
        CHECK(nlohmann::json::parse(out).get<std::string>() == tricky);
    }

    TEST_CASE("invalid UTF-8 becomes U+FFFD, like nlohmann's replace handler") {
        for (const std::string& bad : {std::string("a\xff"
                                                   "b"),
                                       std::string("\xc3"), std::string("\xed\xa0\x80"), std::string("\xc0\xaf"),
                                       std::string("\xf4\x90\x80\x80")}) {
            std::string out;
            appendJsonString(out, bad);
            const auto parsed = nlohmann::json::parse(out, nullptr, false);
            REQUIRE_FALSE(parsed.is_discarded());
            CHECK(nlohmann::json(bad).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) == out);
        }
    }

    TEST_CASE("writeJsonString stays within jsonStringBound at the worst escaping and writes appendJsonString's text") {
        std::string worst;
        for (int c = 0; c < 0x20; ++c) worst += static_cast<char>(c);
        worst += "\x7f\xff\xc3\"\\ ü 😀";
        for (const std::string& text : {std::string(), worst, worst + worst}) {
            std::string buffer(jsonStringBound(text.size()) + 1, '#');  // one byte beyond the bound: must stay '#'
            char* end = writeJsonString(buffer.data(), text);
            CHECK(static_cast<std::size_t>(end - buffer.data()) <= jsonStringBound(text.size()));
            CHECK(buffer.back() == '#');
            std::string appended;
            appendJsonString(appended, text);
            CHECK(std::string(buffer.data(), end) == appended);
        }
        char number[kJsonNumberBound];
        CHECK(std::string(number, writeJsonNumber(number, -1.7976931348623157e308)) == "-1.7976931348623157e+308");
        CHECK(std::string(number, writeJsonNumber(number, std::numeric_limits<std::int64_t>::min())) ==
              "-9223372036854775808");
    }

    TEST_CASE("a special byte is found at every position of a long plain run (the scan takes 8 bytes at a time)") {
        for (const char special : {'\x01', '\x1f', '"', '\\', '\x7f', '\xff'}) {
            for (std::size_t at = 0; at < 24; ++at) {
                std::string text(24, 'a');
                text[at] = special;
                std::string out;
                appendJsonString(out, text);
                CHECK(nlohmann::json::parse(out).get<std::string>() ==
                      (special == '\xff' ? text.substr(0, at) + "\xEF\xBF\xBD" + text.substr(at + 1) : text));
            }
        }
        std::string out;
        appendJsonString(out, " !#~[]{}0123456789 plain");  // 0x20, 0x21, 0x23, 0x7e: next to the specials
        CHECK(out == "\" !#~[]{}0123456789 plain\"");
    }

    TEST_CASE("control characters are escaped, DEL too, so a log line stays printable") {
        std::string out;
        appendJsonString(out, std::string("\b\f\x01\x1f\x7f", 5));
        CHECK(out == R"("\b\f\u0001\u001f\u007f")");
    }

    TEST_CASE("appends to what is already there") {
        std::string out = "x=";
        appendJsonString(out, "a");
        CHECK(out == R"(x="a")");
    }

    TEST_CASE("numbers: shortest round trip, non-finite as null") {
        std::string out;
        appendJsonNumber(out, 3.5);
        out += ',';
        appendJsonNumber(out, 0.1);
        out += ',';
        appendJsonNumber(out, std::int64_t{-9007199254740993});
        out += ',';
        appendJsonNumber(out, std::numeric_limits<double>::infinity());
        CHECK(out == "3.5,0.1,-9007199254740993,null");
    }

    TEST_CASE("the members of a flat object, nested values skipped whole") {
        std::map<std::string, std::string> seen;
        const bool ok = forEachJsonMember(
            R"( { "make" : "Canon \"EOS\"", "iso":100, "nested":{"a":[1,"}"]}, "list":[1,2], "esc\u0061":1, "n":null } )",
            [&](std::string_view k, std::string_view v) { seen[std::string(k)] = std::string(v); });
        CHECK(ok);
        CHECK(seen.at("make") == R"("Canon \"EOS\"")");
        CHECK(seen.at("iso") == "100");
        CHECK(seen.at("nested") == R"({"a":[1,"}"]})");
        CHECK(seen.at("list") == "[1,2]");
        CHECK(seen.at("n") == "null");
        CHECK(seen.count("esc\\u0061") == 0);  // escaped keys are not compared
        for (const char* bad : {"", "[]", "{", R"({"a")", R"({"a":})", R"({"a":1,})", R"({"a":"x)"})
            CHECK_FALSE(forEachJsonMember(bad, [](std::string_view, std::string_view) {}));
        CHECK(forEachJsonMember("{}", [](std::string_view, std::string_view) {}));
    }
}
