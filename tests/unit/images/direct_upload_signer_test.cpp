#include "direct/direct_upload_signer.hpp"

#include <doctest/doctest.h>

using obscura::images::DirectUploadSigner;

TEST_SUITE("images.direct_upload_signer") {
    TEST_CASE("a signature holds for exactly its id, expiry and size under its server secret") {
        const DirectUploadSigner signer("a server secret of at least thirty-two characters");
        const std::string id = "0b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11";
        const std::string sig = signer.sign(id, 1800000000, 4096);
        CHECK(sig.size() == 64);
        CHECK(sig.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(signer.verify(id, 1800000000, 4096, sig));
        CHECK_FALSE(signer.verify("1b8f3a52-5a59-4d8b-9d7e-1f7f6c0f2a11", 1800000000, 4096, sig));
        CHECK_FALSE(signer.verify(id, 1800000001, 4096, sig));
        CHECK_FALSE(signer.verify(id, 1800000000, 4097, sig));
        CHECK_FALSE(signer.verify(id, 1800000000, 4096, sig.substr(0, 63)));
        CHECK_FALSE(signer.verify(id, 1800000000, 4096, ""));
        // The fields are separated: "1" + "23" is not "12" + "3".
        CHECK(signer.sign("a", 12, 3) != signer.sign("a1", 2, 3));
        const DirectUploadSigner other("another server secret of at least thirty-two chars");
        CHECK_FALSE(other.verify(id, 1800000000, 4096, sig));
    }
}
