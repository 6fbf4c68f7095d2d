// SigV4 query signing: the canonical request, string to sign and derived key of AWS's documentation
// ("Authenticating Requests: Using Query Parameters"), nothing more.
#include "sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <ctime>

namespace obscura::s3 {

std::string uriEncode(std::string_view text, bool keepSlash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3 / 2);
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved || (keepSlash && c == '/')) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0x0f]);
        }
    }
    return out;
}

std::string canonicalQuery(QueryParams params) {
    for (auto& [name, value] : params) {
        name = uriEncode(name, false);
        value = uriEncode(value, false);
    }
    std::sort(params.begin(), params.end());
    std::string out;
    for (const auto& [name, value] : params) {
        if (!out.empty()) out.push_back('&');
        out += name;
        out.push_back('=');
        out += value;
    }
    return out;
}

std::string hexEncode(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0x0f]);
    }
    return out;
}

std::string sha256Hex(std::string_view data) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return hexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string hmacSha256(std::string_view key, std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
         data.size(), digest, &length);
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string amzDate(std::int64_t epochSeconds) {
    const auto t = static_cast<std::time_t>(epochSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

std::string presignUrl(const PresignInput& in) {
    const std::string date = amzDate(in.now);
    const std::string day = date.substr(0, 8);
    const std::string scope = day + "/" + in.region + "/s3/aws4_request";

    std::vector<std::pair<std::string, std::string>> headers = in.headers;
    headers.emplace_back("host", in.host);
    std::sort(headers.begin(), headers.end());
    std::string canonicalHeaders;
    std::string signedHeaders;
    for (const auto& [name, value] : headers) {
        canonicalHeaders += name + ":" + value + "\n";
        if (!signedHeaders.empty()) signedHeaders.push_back(';');
        signedHeaders += name;
    }

    QueryParams query = in.extraQuery;
    query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    query.emplace_back("X-Amz-Credential", in.accessKeyId + "/" + scope);
    query.emplace_back("X-Amz-Date", date);
    query.emplace_back("X-Amz-Expires", std::to_string(in.ttlSeconds));
    query.emplace_back("X-Amz-SignedHeaders", signedHeaders);
    const std::string queryText = canonicalQuery(query);

    const std::string canonicalRequest = in.method + "\n" + in.path + "\n" + queryText + "\n" + canonicalHeaders +
                                         "\n" + signedHeaders + "\nUNSIGNED-PAYLOAD";
    const std::string stringToSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
    std::string key = hmacSha256("AWS4" + in.secretAccessKey, day);
    key = hmacSha256(key, in.region);
    key = hmacSha256(key, "s3");
    key = hmacSha256(key, "aws4_request");
    const std::string signature = hexEncode(hmacSha256(key, stringToSign));
    return in.scheme + "://" + in.host + in.path + "?" + queryText + "&X-Amz-Signature=" + signature;
}

}  // namespace obscura::s3
