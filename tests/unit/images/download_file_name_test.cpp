// The name a downloaded original is saved under.
#include "download_file_name.hpp"

#include <doctest/doctest.h>

using namespace obscura::images;

namespace {

const MediaType& jpeg() { return *mediaTypeByName("jpeg"); }

}  // namespace

TEST_SUITE("images.download_file_name") {
    TEST_CASE("the download name loses path separators and controls, and keeps our extension") {
        CHECK(downloadFileName("photo.JPG", "id", &jpeg()) == "photo.JPG");
        CHECK(downloadFileName("photo.jpeg", "id", &jpeg()) == "photo.jpeg");
        CHECK(downloadFileName("../../etc/passwd", "id", &jpeg()) == ".._.._etc_passwd.jpg");
        CHECK(downloadFileName("evil.html", "id", &jpeg()) == "evil.html.jpg");
        CHECK(downloadFileName("a\r\nSet-Cookie: x.jpg", "id", &jpeg()) == "aSet-Cookie: x.jpg");
        CHECK(downloadFileName("", "1234", &jpeg()) == "1234.jpg");
        CHECK(downloadFileName("..", "1234", &jpeg()) == "1234.jpg");
        CHECK(downloadFileName("x", "1234", nullptr) == "x");
    }
}
