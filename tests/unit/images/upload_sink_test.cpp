#include "upload/upload_sink.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "media_fixtures.hpp"
#include "obscura/formats/sha1.hpp"
#include "test_support.hpp"

using namespace obscura;
using namespace obscura::images;
using namespace obscura::formats;
namespace fs = std::filesystem;
using Fixtures = obscura::images::test::MediaFixtures;

namespace {

constexpr const char* kBoundary = "----obscura-test-boundary";
const std::string kContentType = std::string("multipart/form-data; boundary=") + kBoundary;

std::string fieldPart(const std::string& name, const std::string& value) {
    return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value +
           "\r\n";
}
std::string filePart(const std::string& name, const std::string& fileName, const std::string& bytes) {
    return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" +
           fileName + "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + bytes + "\r\n";
}
std::string closing() { return std::string("--") + kBoundary + "--\r\n"; }

std::size_t filesIn(const std::string& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
    return n;
}

struct Feeder {
    obscura::test::TempDir dir;
    std::shared_ptr<UploadSink> sink;
    explicit Feeder(std::optional<std::int64_t> quota = std::nullopt) {
        UploadSinkOptions o;
        o.tmpDir = dir.path();
        o.remainingQuotaBytes = quota;
        auto made = UploadSink::create(kContentType, o);
        REQUIRE(made.ok());
        sink = *made;
    }
    // Feeds the body in chunks of `chunk` bytes; the first failure is returned.
    Status feed(const std::string& body, std::size_t chunk) {
        for (std::size_t at = 0; at < body.size(); at += chunk) {
            auto s = sink->write(std::string_view(body).substr(at, chunk));
            if (!s) return s;
        }
        return sink->finish();
    }
};

}  // namespace

TEST_SUITE("images.upload_sink") {
    TEST_CASE("a JPEG streams to a temp file with its SHA-1; fields around it are kept in order") {
        const std::string jpeg = Fixtures::get().bytes("exif.jpg");
        const std::string body = fieldPart("title", "Beach") + filePart("assetData", "C:\\photos\\IMG_1.jpg", jpeg) +
                                 fieldPart("tags", "a,b") + filePart("sidecarData", "x.xmp", "<xmp/>") + closing();
        for (std::size_t chunk : {std::size_t(1), std::size_t(7), std::size_t(4096), body.size()}) {
            CAPTURE(chunk);
            Feeder f;
            REQUIRE(f.feed(body, chunk).ok());
            CHECK(f.sink->mediaType().name == "jpeg");
            CHECK(f.sink->clientFileName() == "IMG_1.jpg");
            CHECK(f.sink->fields() == FormFields{{"title", "Beach"}, {"tags", "a,b"}});
            CHECK(f.sink->sidecar() == std::optional<std::string>("<xmp/>"));  // held apart, for the importer
            CHECK(f.sink->fileBytes() == jpeg.size());
            auto file = f.sink->takeFile();
            REQUIRE(file);
            CHECK(obscura::test::readFile(file->path()) == jpeg);
            auto sha = Sha1::create();
            REQUIRE(sha.ok());
            sha->update(jpeg);
            CHECK(toHex(file->digest()) == toHex(sha->finish()));
            file->abort();
            CHECK(filesIn(f.dir.path()) == 0);
        }
    }

    TEST_CASE("'file' is accepted as the file part's name") {
        Feeder f;
        REQUIRE(f.feed(filePart("file", "a.png", Fixtures::get().bytes("plain.png")) + closing(), 100).ok());
        CHECK(f.sink->mediaType().name == "png");
    }

    TEST_CASE("a refused type stops the body at its first bytes, before anything reaches the disk") {
        Feeder f;
        const std::string html = "<!DOCTYPE html><html><script>alert(1)</script>" + std::string(10000, ' ');
        const std::string body = filePart("assetData", "a.jpg", html) + closing();
        auto s = f.feed(body, 1024);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == ErrorCode::UnsupportedMediaType);
        CHECK(filesIn(f.dir.path()) == 0);
    }

    TEST_CASE("a short refused file is judged when its part ends") {
        Feeder f;
        auto s = f.feed(filePart("assetData", "a.txt", "hello") + closing(), 3);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == ErrorCode::UnsupportedMediaType);
        CHECK(filesIn(f.dir.path()) == 0);
    }

    TEST_CASE("an empty file part, no file part, two file parts and a file part without filename are 400") {
        for (const std::string& body :
             {filePart("assetData", "a.jpg", "") + closing(), fieldPart("title", "x") + closing(),
              filePart("assetData", "a.png", Fixtures::get().bytes("plain.png")) +
                  filePart("file", "b.png", Fixtures::get().bytes("plain.png")) + closing(),
              fieldPart("assetData", "not a file") + closing()}) {
            Feeder f;
            auto s = f.feed(body, 64);
            REQUIRE_FALSE(s.ok());
            CHECK(s.error().code == ErrorCode::BadRequest);
            CHECK(filesIn(f.dir.path()) == 0);
        }
    }

    TEST_CASE("a body without its closing delimiter is 400 at finish and leaves nothing") {
        Feeder f;
        const std::string png = Fixtures::get().bytes("plain.png");
        auto s = f.feed(filePart("assetData", "a.png", png), 512);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == ErrorCode::BadRequest);
        CHECK(filesIn(f.dir.path()) == 0);
    }

    TEST_CASE("a file growing past the remaining quota stops there (507) and leaves nothing") {
        const std::string jpeg = Fixtures::get().bytes("plain.jpg");
        Feeder f(static_cast<std::int64_t>(jpeg.size()) - 1);
        auto s = f.feed(filePart("assetData", "a.jpg", jpeg) + closing(), 256);
        REQUIRE_FALSE(s.ok());
        CHECK(s.error().code == ErrorCode::QuotaExceeded);
        f.sink->abort();
        CHECK(filesIn(f.dir.path()) == 0);

        Feeder exact(static_cast<std::int64_t>(jpeg.size()));
        CHECK(exact.feed(filePart("assetData", "a.jpg", jpeg) + closing(), 256).ok());
    }

    TEST_CASE("abort mid-body removes the temp file") {
        Feeder f;
        // Padded so that half the body is well past the sniffed head: the file is on disk by then.
        const std::string mp4 = Fixtures::get().bytes("video.mp4") + std::string(64 * 1024, '\0');
        const std::string body = filePart("assetData", "v.mp4", mp4) + closing();
        REQUIRE(f.sink->write(std::string_view(body).substr(0, body.size() / 2)).ok());
        CHECK(filesIn(f.dir.path()) == 1);
        f.sink->abort();
        CHECK(filesIn(f.dir.path()) == 0);
        CHECK_FALSE(f.sink->write("more").ok());
    }

    TEST_CASE("Content-Type decides before the body: not form-data is 415, a bad boundary 400") {
        UploadSinkOptions o;
        o.tmpDir = "/nonexistent";
        auto json = UploadSink::create("application/json", o);
        REQUIRE_FALSE(json.ok());
        CHECK(json.error().code == ErrorCode::UnsupportedMediaType);
        auto none = UploadSink::create("multipart/form-data", o);
        REQUIRE_FALSE(none.ok());
        CHECK(none.error().code == ErrorCode::BadRequest);
    }
}
