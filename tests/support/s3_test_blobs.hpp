#pragma once
// S3 for the AppFixture-based integration tests. OBSCURA_TEST_BLOBS=s3 (CTest's *_s3 entries) puts every byte the
// app keeps into the test gateway named by OBSCURA_TEST_S3_* (scripts/test.sh starts a single-node Ceph) under a
// prefix of its own, instead of the data dir; without a gateway the binary says so and exits 77 (Skipped).
#include <map>
#include <string>
#include <vector>

namespace obscura::test {

// "s3" when OBSCURA_TEST_BLOBS says so, else "local". Exits 77, after saying why, when S3 is asked for but no
// gateway is configured.
std::string blobsUnderTest();

// The blobs.* overrides that point an app at the gateway, under a prefix derived from `key` (a data dir: every
// start over one data dir finds the same objects).
std::map<std::string, std::string> s3BlobOverrides(const std::string& key);

// The same settings as the environment variables of the real binary (OBSCURA_BLOBS_S3_ENDPOINT…), for child
// processes; blobs.plugin included.
std::map<std::string, std::string> s3BlobEnvironment(const std::string& key);

// Adds s3BlobOverrides(key) to `overrides` when S3 is under test and the test chose no blob plugin itself.
void addBlobOverrides(std::map<std::string, std::string>& overrides, const std::string& key);

// A signed GET of the raw bucket (`pathAndQuery` after "/<bucket>", e.g. "?uploads=" for ListMultipartUploads; the
// query already in canonical order), for checks the BlobStore interface cannot make. Needs the gateway's variables.
std::string s3SignedGet(const std::string& pathAndQuery);
// Whether a multipart upload is pending under this full key prefix (ListMultipartUploads of the bucket).
bool s3UploadPendingUnder(const std::string& fullPrefix);
// How many parts the first pending multipart upload under fullPrefix holds so far (0 when there is none).
std::size_t s3PendingParts(const std::string& fullPrefix);
// Full keys of the objects under fullPrefix (one ListObjectsV2 page: up to 1000).
std::vector<std::string> s3KeysUnder(const std::string& fullPrefix);

}  // namespace obscura::test
