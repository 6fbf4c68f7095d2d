// FileResponse: what a served file answers to plain, conditional, ranged and HEAD requests, and what it
// reports for bandwidth accounting.
#include "obscura/kernel/file_response.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "obscura/base/http_date.hpp"
#include "obscura/kernel/conditional_request.hpp"
#include "test_support.hpp"

using namespace obscura;

namespace {

constexpr std::int64_t kModified = 1700000000;

struct Served {
    test::TempDir dir;
    std::string path = dir / "clip.mp4";
    std::vector<std::uint64_t> counted;

    Served() { test::writeFile(path, std::string(100, 'x')); }

    FileResponse file() {
        return FileResponse{.path = path,
                            .contentType = "video/mp4",
                            .cacheControl = "private, no-cache",
                            .etag = "\"abc\"",
                            .lastModified = kModified,
                            .disposition = "attachment; filename=\"clip.mp4\"",
                            .countBody = [this](std::uint64_t n) { counted.push_back(n); }};
    }

    Expected<Response> get(std::vector<std::pair<std::string, std::string>> headers = {}, Method m = Method::Get) {
        Request request;
        request.method = m;
        for (auto& [name, value] : headers) request.headers.add(name, value);
        return file().answer(request, notFound("gone"));
    }
};

std::string header(const Response& r, std::string_view name) { return std::string(r.headers.get(name).value_or("")); }

}  // namespace

TEST_SUITE("kernel.file_response") {
    TEST_CASE("a plain GET answers the whole file with its validators and counts every byte") {
        Served s;
        auto r = s.get();
        REQUIRE(r.ok());
        CHECK(r->status == 200);
        REQUIRE(r->file);
        CHECK(r->file->path == s.path);
        CHECK(r->file->offset == 0);
        CHECK(r->file->length == std::optional<std::uint64_t>(100));
        CHECK(header(*r, "ETag") == "\"abc\"");
        CHECK(header(*r, "Last-Modified") == formatHttpDate(kModified));
        CHECK(header(*r, "Content-Type") == "video/mp4");
        CHECK(header(*r, "Accept-Ranges") == "bytes");
        CHECK(header(*r, "Content-Security-Policy") == "sandbox");
        CHECK(header(*r, "Content-Disposition") == "attachment; filename=\"clip.mp4\"");
        CHECK(header(*r, "Cache-Control") == "private, no-cache");
        CHECK(s.counted == std::vector<std::uint64_t>{100});
    }

    TEST_CASE("If-None-Match or a recent If-Modified-Since answers 304 with no body and counts nothing") {
        Served s;
        for (auto headers : {std::vector<std::pair<std::string, std::string>>{{"If-None-Match", "W/\"abc\""}},
                             {{"If-Modified-Since", formatHttpDate(kModified)}}}) {
            auto r = s.get(headers);
            REQUIRE(r.ok());
            CHECK(r->status == 304);
            CHECK_FALSE(r->file);
            CHECK(header(*r, "ETag") == "\"abc\"");
        }
        CHECK(s.counted.empty());
        CHECK(s.get({{"If-None-Match", "\"other\""}})->status == 200);
    }

    TEST_CASE("one range is a 206 of those bytes; a range past the end is a 416") {
        Served s;
        auto part = s.get({{"Range", "bytes=10-19"}});
        REQUIRE(part.ok());
        CHECK(part->status == 206);
        CHECK(header(*part, "Content-Range") == "bytes 10-19/100");
        CHECK(part->file->offset == 10);
        CHECK(part->file->length == std::optional<std::uint64_t>(10));
        CHECK(s.counted == std::vector<std::uint64_t>{10});

        auto past = s.get({{"Range", "bytes=500-"}});
        REQUIRE(past.ok());
        CHECK(past->status == 416);
        CHECK(header(*past, "Content-Range") == "bytes */100");
        CHECK_FALSE(past->file);
        CHECK(s.counted.size() == 1);
    }

    TEST_CASE("If-Range naming another version sends the whole file instead of the range") {
        Served s;
        auto r = s.get({{"Range", "bytes=0-9"}, {"If-Range", "\"old\""}});
        REQUIRE(r.ok());
        CHECK(r->status == 200);
        CHECK(s.get({{"Range", "bytes=0-9"}, {"If-Range", "\"abc\""}})->status == 206);
    }

    TEST_CASE("HEAD answers the same headers and counts nothing") {
        Served s;
        auto r = s.get({}, Method::Head);
        REQUIRE(r.ok());
        CHECK(r->status == 200);
        CHECK(s.counted.empty());
    }

    TEST_CASE("a missing file is the caller's error") {
        Served s;
        FileResponse file = s.file();
        file.path = s.dir / "nothing-here";
        auto r = file.answer(Request{}, Error(ErrorCode::NotFound, "not ready", "not_ready"));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().reason == "not_ready");
        file.path = s.dir.path();  // a directory is not a file either
        CHECK(file.answer(Request{}, notFound("gone")).error().code == ErrorCode::NotFound);
    }

    TEST_CASE("without a given tag and date they come from the file, and a rewritten file gets a new tag") {
        Served s;
        FileResponse file{.path = s.path, .contentType = "image/webp", .sandbox = false};
        auto first = file.answer(Request{}, notFound("gone"));
        REQUIRE(first.ok());
        const std::string tag = header(*first, "ETag");
        CHECK(tag.size() > 2);
        CHECK_FALSE(first->headers.has("Content-Security-Policy"));
        CHECK_FALSE(first->headers.has("Content-Disposition"));
        test::writeFile(s.path, std::string(101, 'y'));
        auto second = file.answer(Request{}, notFound("gone"));
        REQUIRE(second.ok());
        CHECK(header(*second, "ETag") != tag);
    }
}
