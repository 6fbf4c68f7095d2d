#include "obscura/formats/multipart_parser.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace obscura;
using namespace obscura::formats;

namespace {

struct Part {
    std::string name;
    std::optional<std::string> fileName;
    std::string contentType, data;
};

struct Recorder final : MultipartHandler {
    std::vector<Part> parts;
    std::vector<std::string> events;
    bool finished = false;
    std::optional<Error> failOnData;  // makes onPartData fail, as a full disk would
    std::vector<std::string_view> slices;

    Status onPartBegin(const PartInfo& p) override {
        events.push_back("begin " + p.name);
        parts.push_back({p.name, p.fileName, p.contentType, {}});
        return {};
    }
    Status onPartData(std::string_view b) override {
        if (failOnData) return *failOnData;
        slices.push_back(b);
        parts.back().data.append(b);
        return {};
    }
    Status onPartEnd() override {
        events.push_back("end");
        return {};
    }
    Status onFinished() override {
        events.push_back("finished");
        finished = true;
        return {};
    }
};

struct Result {
    Status status;
    Recorder rec;
};

// Feeds `body` in chunks of `chunk` bytes (0: all at once) and finishes.
Result parse(const std::string& body, std::size_t chunk = 0, MultipartLimits limits = {},
             std::string boundary = "XyZ") {
    Result r;
    auto parser = MultipartParser::create(boundary, r.rec, limits);
    REQUIRE(parser.ok());
    std::size_t step = chunk == 0 ? std::max<std::size_t>(body.size(), 1) : chunk;
    for (std::size_t at = 0; at < body.size() && r.status.ok(); at += step)
        r.status = parser->feed(std::string_view(body).substr(at, step));
    if (r.status.ok()) r.status = parser->finish();
    return r;
}

std::string field(const std::string& name, const std::string& value, const std::string& b = "XyZ") {
    return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

std::string filePart(const std::string& name, const std::string& fileName, const std::string& data,
                     const std::string& b = "XyZ") {
    return "--" + b + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName +
           "\"\r\nContent-Type: image/jpeg\r\n\r\n" + data + "\r\n";
}

std::string close(const std::string& b = "XyZ") { return "--" + b + "--\r\n"; }

std::string withHeaders(const std::string& headers, const std::string& data = "v") {
    return "--XyZ\r\n" + headers + "\r\n" + data + "\r\n" + close();
}

void checkError(const Result& r, ErrorCode code, const std::string& fragment) {
    REQUIRE_FALSE(r.status.ok());
    CHECK(r.status.error().code == code);
    CHECK_MESSAGE(r.status.error().message.find(fragment) != std::string::npos, r.status.error().message);
    CHECK_FALSE(r.rec.finished);
}

// Binary content that contains everything that can confuse a boundary scan.
const std::string kTrickyData = std::string("\xFF\xD8\xFF\r\n--XyQ\r\n--Xy\r\r\n-\0\r\n--XyY", 28) + "\r";

}  // namespace

TEST_SUITE("images.multipart") {
    TEST_CASE("fields and a file part parse in any order and at every chunk size, one byte included") {
        std::string body =
            field("title", "Summer") + filePart("assetData", "a.jpg", kTrickyData) + field("tags", "a,b") + close();
        for (std::size_t chunk : {0, 1, 2, 3, 5, 7, 13, 64}) {
            CAPTURE(chunk);
            auto r = parse(body, chunk);
            REQUIRE_MESSAGE(r.status.ok(), r.status.error().message);
            REQUIRE(r.rec.parts.size() == 3);
            CHECK(r.rec.parts[0].name == "title");
            CHECK(r.rec.parts[0].data == "Summer");
            CHECK_FALSE(r.rec.parts[0].fileName);
            CHECK(r.rec.parts[1].name == "assetData");
            CHECK(r.rec.parts[1].fileName == "a.jpg");
            CHECK(r.rec.parts[1].contentType == "image/jpeg");
            CHECK(r.rec.parts[1].data == kTrickyData);
            CHECK(r.rec.parts[2].data == "a,b");
            CHECK(r.rec.events == std::vector<std::string>{"begin title", "end", "begin assetData", "end", "begin tags",
                                                           "end", "finished"});
        }
    }

    TEST_CASE("part data is handed on as slices of the fed chunk, not copies") {
        std::string body = filePart("file", "x.bin", std::string(100000, 'a')) + close();
        Recorder rec;
        auto parser = MultipartParser::create("XyZ", rec);
        REQUIRE(parser.ok());
        REQUIRE(parser->feed(body).ok());
        REQUIRE(parser->finish().ok());
        REQUIRE(rec.slices.size() == 1);
        CHECK(rec.slices[0].data() >= body.data());
        CHECK(rec.slices[0].data() + rec.slices[0].size() <= body.data() + body.size());
        CHECK(rec.slices[0].size() == 100000);
    }

    TEST_CASE("a preamble before the first boundary is skipped, within its bound") {
        auto r = parse("This is a preamble.\r\n" + field("a", "1") + close());
        REQUIRE(r.status.ok());
        CHECK(r.rec.parts.at(0).data == "1");
        MultipartLimits small;
        small.maxPreambleBytes = 8;
        checkError(parse("This is a long preamble\r\n" + field("a", "1") + close(), 0, small), ErrorCode::BadRequest,
                   "no multipart boundary within");
    }

    TEST_CASE("transport padding after a boundary is accepted") {
        auto r = parse("--XyZ \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--  \r\n");
        REQUIRE_MESSAGE(r.status.ok(), r.status.error().message);
        CHECK(r.rec.parts.at(0).name == "a");
    }

    TEST_CASE("the closing boundary may end the body with or without CRLF and with blank epilogue") {
        CHECK(parse(field("a", "1") + "--XyZ--").status.ok());
        CHECK(parse(field("a", "1") + "--XyZ--\r\n\r\n  \r\n").status.ok());
    }

    TEST_CASE("bytes other than blanks after the closing boundary are refused") {
        checkError(parse(field("a", "1") + close() + "trailing"), ErrorCode::BadRequest, "after the closing");
        MultipartLimits small;
        small.maxEpilogueBytes = 4;
        checkError(parse(field("a", "1") + close() + "\r\n\r\n\r\n", 0, small), ErrorCode::BadRequest, "too much data");
    }

    TEST_CASE("a body with only a closing boundary finishes with no parts") {
        auto r = parse(close());
        REQUIRE(r.status.ok());
        CHECK(r.rec.parts.empty());
        CHECK(r.rec.finished);
    }

    TEST_CASE("a truncated body is an error wherever it stops") {
        std::string body = field("title", "Summer") + filePart("assetData", "a.jpg", "JPEGDATA") + close();
        for (std::size_t cut : {std::size_t(0), std::size_t(3), std::size_t(10), std::size_t(40), std::size_t(60),
                                body.size() - 9, body.size() - 4, body.size() - 3}) {
            CAPTURE(cut);
            auto r = parse(body.substr(0, cut), 1);
            REQUIRE_FALSE(r.status.ok());
            CHECK(r.status.error().code == ErrorCode::BadRequest);
            CHECK_FALSE(r.rec.finished);
        }
        checkError(parse(""), ErrorCode::BadRequest, "no boundary");
        checkError(parse(body.substr(0, body.size() - 9)), ErrorCode::BadRequest, "truncated");
    }

    TEST_CASE("a body whose boundary never appears is refused") {
        checkError(parse("--Other\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--Other--\r\n"),
                   ErrorCode::BadRequest, "no boundary");
    }

    TEST_CASE("a boundary followed by anything but CRLF, padding or -- is malformed") {
        checkError(parse("--XyZx\r\n"), ErrorCode::BadRequest, "malformed multipart boundary line");
        checkError(parse("--XyZ\rx"), ErrorCode::BadRequest, "not terminated by CRLF");
        checkError(parse(field("a", "1") + "--XyZ-x"), ErrorCode::BadRequest, "malformed multipart closing");
    }

    TEST_CASE("part header errors are named") {
        checkError(parse(withHeaders("Content-Disposition: form-data; name=a\r\n: nameless\r\n")),
                   ErrorCode::BadRequest, "without a name");
        checkError(parse(withHeaders("Content-Disposition: form-data; name=a\r\nNo colon here\r\n")),
                   ErrorCode::BadRequest, "without a name");
        checkError(parse(withHeaders("X-A: 1\r\n continued\r\nContent-Disposition: form-data; name=a\r\n")),
                   ErrorCode::BadRequest, "folded");
        checkError(parse(withHeaders("Content-Disposition: form-data; name=a\n")), ErrorCode::BadRequest, "CRLF");
        checkError(parse(withHeaders("Content-Type: text/plain\r\n")), ErrorCode::BadRequest,
                   "without a Content-Disposition");
        checkError(parse(withHeaders("")), ErrorCode::BadRequest, "without a Content-Disposition");
        checkError(parse(withHeaders("Content-Disposition: attachment; name=a\r\n")), ErrorCode::BadRequest,
                   "not form-data");
        checkError(parse(withHeaders("Content-Disposition: form-data; filename=a.jpg\r\n")), ErrorCode::BadRequest,
                   "no name parameter");
        checkError(
            parse(withHeaders("Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n")),
            ErrorCode::BadRequest, "two Content-Disposition");
        checkError(parse(withHeaders("Content-Disposition: form-data; name=a; name=b\r\n")), ErrorCode::BadRequest,
                   "repeated");
        checkError(
            parse(withHeaders("Content-Disposition: form-data; name=a\r\nContent-Transfer-Encoding: base64\r\n")),
            ErrorCode::BadRequest, "Content-Transfer-Encoding 'base64'");
        checkError(parse(withHeaders("Content-Disposition: form-data; name=\"a\r\n")), ErrorCode::BadRequest,
                   "unterminated");
        checkError(parse(withHeaders("Bad Name: x\r\nContent-Disposition: form-data; name=a\r\n")),
                   ErrorCode::BadRequest, "header name");
    }

    TEST_CASE("unknown part headers are ignored and header names are case-insensitive") {
        auto r =
            parse(withHeaders("content-disposition: FORM-DATA; NAME=\"a\"\r\nX-Whatever: 1\r\n"
                              "CONTENT-TYPE: Image/JPEG; charset=x\r\nContent-Transfer-Encoding: binary\r\n"));
        REQUIRE_MESSAGE(r.status.ok(), r.status.error().message);
        CHECK(r.rec.parts.at(0).name == "a");
        CHECK(r.rec.parts.at(0).contentType == "image/jpeg");
    }

    TEST_CASE("part header blocks are bounded in bytes and in lines") {
        MultipartLimits limits;
        limits.maxPartHeaderBytes = 100;
        checkError(
            parse(withHeaders("Content-Disposition: form-data; name=a\r\nX-Pad: " + std::string(80, 'p') + "\r\n"), 1,
                  limits),
            ErrorCode::PayloadTooLarge, "part headers exceed 100 bytes");
        limits = {};
        limits.maxPartHeaderLines = 3;
        checkError(parse(withHeaders("Content-Disposition: form-data; name=a\r\nA: 1\r\nB: 2\r\nC: 3\r\n"), 0, limits),
                   ErrorCode::PayloadTooLarge, "more than 3 header lines");
    }

    TEST_CASE("field values are bounded; file parts are not") {
        MultipartLimits limits;
        limits.maxFieldBytes = 10;
        CHECK(parse(field("a", std::string(10, 'x')) + close(), 3, limits).status.ok());
        checkError(parse(field("a", std::string(11, 'x')) + close(), 3, limits), ErrorCode::PayloadTooLarge,
                   "form field 'a' exceeds 10 bytes");
        auto r = parse(filePart("f", "a.bin", std::string(1000, 'x')) + close(), 7, limits);
        REQUIRE(r.status.ok());
        CHECK(r.rec.parts.at(0).data.size() == 1000);
    }

    TEST_CASE("the number of parts is bounded") {
        MultipartLimits limits;
        limits.maxParts = 3;
        std::string three = field("a", "1") + field("b", "2") + field("c", "3");
        CHECK(parse(three + close(), 0, limits).status.ok());
        checkError(parse(three + field("d", "4") + close(), 0, limits), ErrorCode::PayloadTooLarge,
                   "more than 3 parts");
    }

    TEST_CASE("filename*= is decoded per RFC 5987 and wins over filename=") {
        auto r =
            parse(withHeaders("Content-Disposition: form-data; name=f; filename=\"fallback.jpg\"; "
                              "filename*=UTF-8''%E2%82%AC%20rates.jpg\r\n"));
        REQUIRE(r.status.ok());
        CHECK(r.rec.parts.at(0).fileName == "\xE2\x82\xAC rates.jpg");
        auto latin =
            parse(withHeaders("Content-Disposition: form-data; name=f; filename*=iso-8859-1'en'caf%E9.jpg\r\n"));
        REQUIRE(latin.status.ok());
        CHECK(latin.rec.parts.at(0).fileName == "caf\xC3\xA9.jpg");
        checkError(parse(withHeaders("Content-Disposition: form-data; name=f; filename*=UTF-8''%E2%8\r\n")),
                   ErrorCode::BadRequest, "percent escape");
        checkError(parse(withHeaders("Content-Disposition: form-data; name=f; filename*=KOI8-R''x\r\n")),
                   ErrorCode::BadRequest, "charset");
    }

    TEST_CASE("client file names are cleaned for use as metadata") {
        auto name = [](const std::string& quoted) {
            auto r = parse(withHeaders("Content-Disposition: form-data; name=f; filename=\"" + quoted + "\"\r\n"));
            REQUIRE_MESSAGE(r.status.ok(), r.status.error().message);
            return r.rec.parts.at(0).fileName.value();
        };
        CHECK(name("C:\\Users\\me\\IMG_1.JPG") == "IMG_1.JPG");  // unescaped Windows path, as old browsers send
        CHECK(name("../../etc/passwd") == "passwd");
        CHECK(name("a\\\"b.jpg") == "a\"b.jpg");  // an escaped quote
        CHECK(name("bad\xFFname.jpg") == "bad\xEF\xBF\xBDname.jpg");
        CHECK(name("tab\there.jpg") == "tabhere.jpg");
        CHECK(name(std::string(300, 'n')).size() == 255);
        CHECK(name("") == "");  // an empty file input: a file part with no name
    }

    TEST_CASE("a handler error stops the parse and the parser stays failed") {
        Recorder rec;
        rec.failOnData = Error{ErrorCode::Unavailable, "disk full"};
        auto parser = MultipartParser::create("XyZ", rec);
        REQUIRE(parser.ok());
        auto st = parser->feed(filePart("f", "a", "data") + close());
        REQUIRE_FALSE(st.ok());
        CHECK(st.error().code == ErrorCode::Unavailable);
        CHECK(parser->feed("more").error().message == "disk full");
        CHECK(parser->finish().error().message == "disk full");
        CHECK_FALSE(rec.finished);
    }

    TEST_CASE("feeding after finish and finishing twice are errors") {
        Recorder rec;
        auto parser = MultipartParser::create("XyZ", rec);
        REQUIRE(parser.ok());
        REQUIRE(parser->feed(field("a", "1") + close()).ok());
        CHECK(parser->closed());
        REQUIRE(parser->finish().ok());
        CHECK_FALSE(parser->finish().ok());
        CHECK_FALSE(parser->feed("x").ok());
        CHECK(parser->partCount() == 1);
    }
}

TEST_SUITE("images.multipart.content_type") {
    TEST_CASE("the boundary is read quoted or not, among other parameters, case-insensitively") {
        CHECK(MultipartParser::boundaryFromContentType("multipart/form-data; boundary=abc").value() == "abc");
        CHECK(MultipartParser::boundaryFromContentType("Multipart/Form-Data;Boundary=\"a b:c\"").value() == "a b:c");
        CHECK(MultipartParser::boundaryFromContentType("multipart/form-data; charset=utf-8; boundary=----=_Part_1;")
                  .value() == "----=_Part_1");
        CHECK(MultipartParser::boundaryFromContentType(
                  "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW")
                  .value() == "----WebKitFormBoundary7MA4YWxkTrZu0gW");
    }

    TEST_CASE("a Content-Type that is not multipart/form-data is unsupported") {
        for (const char* ct : {"application/json", "multipart/mixed; boundary=a", "", "text/plain"}) {
            CAPTURE(ct);
            auto b = MultipartParser::boundaryFromContentType(ct);
            REQUIRE_FALSE(b.ok());
            CHECK(b.error().code == ErrorCode::UnsupportedMediaType);
        }
    }

    TEST_CASE("a missing or invalid boundary is a bad request") {
        for (std::string ct : {std::string("multipart/form-data"), std::string("multipart/form-data; boundary="),
                               std::string("multipart/form-data; boundary=\"\""),
                               "multipart/form-data; boundary=" + std::string(71, 'a'),
                               std::string("multipart/form-data; boundary=\"ends with space \""),
                               std::string("multipart/form-data; boundary=a@b"),
                               std::string("multipart/form-data; boundary=\"unterminated")}) {
            CAPTURE(ct);
            auto b = MultipartParser::boundaryFromContentType(ct);
            REQUIRE_FALSE(b.ok());
            CHECK(b.error().code == ErrorCode::BadRequest);
        }
        CHECK(MultipartParser::boundaryFromContentType("multipart/form-data; boundary=" + std::string(70, 'a')).ok());
        Recorder rec;
        CHECK_FALSE(MultipartParser::create("", rec).ok());
        CHECK_FALSE(MultipartParser::create("a\r", rec).ok());
    }
}
