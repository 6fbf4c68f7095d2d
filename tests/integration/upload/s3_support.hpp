#pragma once
// The S3 store an app started with s3BlobOverrides(key) uses, opened directly (obscura_blobs_s3.so through the
// server's own loader), for tests that look at or damage the bucket themselves.
#include <map>
#include <memory>
#include <string>

#include "obscura/blobs/blob_store.hpp"

namespace obscura::test {

std::unique_ptr<blobs::BlobStore> directS3Store(const std::map<std::string, std::string>& overrides);
// Every byte of one object (small objects only).
std::string readObject(blobs::BlobStore& store, const std::string& key);
// Every key under prefix, all pages.
std::vector<std::string> listKeys(blobs::BlobStore& store, const std::string& prefix);

}  // namespace obscura::test
