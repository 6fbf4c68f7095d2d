// The still's live-photo content identifier (live_photo_id.hpp): both XMP forms, any namespace prefix, normalised;
// anything else (a longer name, bad characters, a cut document) is no identifier.
#include "obscura/formats/live_photo_id.hpp"

#include <doctest/doctest.h>

using obscura::formats::findContentIdentifier;
using obscura::formats::normaliseContentIdentifier;

TEST_SUITE("formats.live_photo_id") {
    TEST_CASE("the element and attribute forms are read, upper-cased, under any prefix") {
        CHECK(findContentIdentifier(
                  "<rdf:Description><LivePhoto:ContentIdentifier>5a1c-09</LivePhoto:ContentIdentifier>") == "5A1C-09");
        CHECK(findContentIdentifier("<rdf:Description apple:ContentIdentifier = \"AB-12\" x='y'/>") == "AB-12");
        CHECK(findContentIdentifier("<rdf:Description apple:ContentIdentifier='cd'/>") == "CD");
    }

    TEST_CASE("other names, bad values and cut documents are no identifier") {
        CHECK_FALSE(findContentIdentifier("<x:ContentIdentifierX>AB</x:ContentIdentifierX>"));
        CHECK_FALSE(findContentIdentifier("<x:ContentIdentifier>AB CD</x:ContentIdentifier>"));
        CHECK_FALSE(findContentIdentifier("<x:ContentIdentifier>AB"));
        CHECK_FALSE(findContentIdentifier("x:ContentIdentifier=AB"));
        CHECK_FALSE(findContentIdentifier(""));
        CHECK_FALSE(normaliseContentIdentifier(std::string(65, 'a')));
        CHECK(normaliseContentIdentifier(std::string(64, 'a')) == std::string(64, 'A'));
    }

    TEST_CASE("a bad first occurrence does not hide a good later one") {
        CHECK(findContentIdentifier(
                  "<a:ContentIdentifier>!!</a:ContentIdentifier><b:ContentIdentifier>ok</b:ContentIdentifier>") ==
              "OK");
    }
}
