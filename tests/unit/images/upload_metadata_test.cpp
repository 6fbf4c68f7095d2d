// tus's Upload-Metadata (resumable/upload_metadata.hpp): what is accepted, what each refusal says, the round trip
// back into the header form, and what the metadata means for the import.
#include "resumable/upload_metadata.hpp"

#include <doctest/doctest.h>

using namespace obscura;
using namespace obscura::images;

TEST_SUITE("images.upload_metadata") {
    TEST_CASE("pairs of key and base64 value, a value may be absent, spaces around pairs are fine") {
        auto parsed = parseUploadMetadata("filename aG9saWRheS5tcDQ=, title QmVhY2g= ,is_confidential");
        REQUIRE(parsed.ok());
        REQUIRE(parsed->size() == 3);
        CHECK((*parsed)[0] == std::pair<std::string, std::string>{"filename", "holiday.mp4"});
        CHECK((*parsed)[1] == std::pair<std::string, std::string>{"title", "Beach"});
        CHECK((*parsed)[2] == std::pair<std::string, std::string>{"is_confidential", ""});
        CHECK(formatUploadMetadata(*parsed) == "filename aG9saWRheS5tcDQ=,title QmVhY2g=,is_confidential");
        auto empty = parseUploadMetadata("");
        REQUIRE(empty.ok());
        CHECK(empty->empty());
    }

    TEST_CASE("every malformed header is BadRequest naming the problem") {
        for (const char* bad : {"filename a", "filename YQ", "filename Y=Q=", "filename !!!!", ",",
                                "a YQ==,a YQ==", "fil\xc3\xa9name YQ==", "filename //79"}) {
            CAPTURE(bad);
            auto parsed = parseUploadMetadata(bad);
            REQUIRE_FALSE(parsed.ok());
            CHECK(parsed.error().code == ErrorCode::BadRequest);
        }
        auto huge = parseUploadMetadata("filename " + std::string(kMaxUploadMetadataBytes, 'A'));
        REQUIRE_FALSE(huge.ok());
        CHECK(huge.error().message.find("4096") != std::string::npos);
    }

    TEST_CASE("the fields of the import: the same rules as POST /api/assets, the checksum normalised to hex") {
        UploadMetadata metadata = {{"filename", "dir/../clip.mp4"},
                                   {"title", "Beach"},
                                   {"checksum", "2FD4E1C67A2D28FCED849EE1BB76E7391B93EB12"},
                                   {"unknown", "kept, ignored"}};
        auto fields = readResumableFields(metadata);
        REQUIRE(fields.ok());
        CHECK(fields->fileName == "clip.mp4");
        CHECK(fields->fields.title == "Beach");
        CHECK(fields->checksum == "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
        auto badAlbum = readResumableFields({{"albumId", "nope"}});
        REQUIRE_FALSE(badAlbum.ok());
        CHECK(badAlbum.error().code == ErrorCode::Invalid);
        auto badChecksum = readResumableFields({{"checksum", "abc"}});
        REQUIRE_FALSE(badChecksum.ok());
        CHECK(badChecksum.error().code == ErrorCode::BadRequest);
    }
}
