#pragma once
// The few S3 XML answers the plugin reads (ListObjectsV2, InitiateMultipartUpload, errors): flat documents
// with no attributes that matter, so a tag scanner with entity decoding is enough and no XML library is linked.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace obscura::s3 {

// The text of the first <tag>…</tag> at or after `from`, entities decoded; "" when absent.
std::string xmlText(std::string_view xml, std::string_view tag, std::size_t from = 0);
std::string xmlDecode(std::string_view text);
std::string xmlEscape(std::string_view text);

struct ListedObject {
    std::string key;
    std::uint64_t size = 0;
    std::int64_t modifiedAt = 0;
};

struct ListResult {
    std::vector<ListedObject> objects;
    bool truncated = false;
};

ListResult parseListObjectsV2(std::string_view xml);

}  // namespace obscura::s3
