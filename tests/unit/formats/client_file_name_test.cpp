// A client's file name is metadata only: cleaned, cut to its last path component, never joined to a path.
#include "obscura/formats/client_file_name.hpp"

#include <doctest/doctest.h>

using obscura::formats::sanitizeClientFileName;

TEST_SUITE("formats.client_file_name") {
    TEST_CASE("client file names keep only their last path component") {
        CHECK(sanitizeClientFileName("/home/me/a.jpg") == "a.jpg");
        CHECK(sanitizeClientFileName("dir\\b.jpg") == "b.jpg");
        CHECK(sanitizeClientFileName("trailing/") == "");
        CHECK(sanitizeClientFileName("..") == "..");  // metadata only: never joined to a path
    }
}
