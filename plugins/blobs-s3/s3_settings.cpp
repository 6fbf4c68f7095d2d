#include "s3_settings.hpp"

#include <charconv>
#include <string_view>

namespace obscura::s3 {
namespace {

constexpr std::uint64_t kMinPartBytes = 5ULL << 20;  // S3's smallest part but the last
constexpr std::uint64_t kMaxPartBytes = 5ULL << 30;  // and its largest
constexpr std::int64_t kMaxPresignSeconds = 7 * 24 * 3600;

std::string get(const std::map<std::string, std::string>& m, const std::string& key) {
    const auto it = m.find(key);
    return it == m.end() ? std::string() : it->second;
}

Error bad(const std::string& key, const std::string& why) { return invalid("blobs.s3." + key + ": " + why); }

Expected<std::int64_t> number(const std::map<std::string, std::string>& m, const std::string& key, std::int64_t def,
                              std::int64_t min, std::int64_t max) {
    const std::string text = get(m, key);
    if (text.empty()) return def;
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return bad(key, "'" + text + "' is not a number");
    if (v < min || v > max) {
        return bad(key, std::to_string(v) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    }
    return v;
}

bool bucketNameOk(std::string_view b) {
    if (b.size() < 3 || b.size() > 63) return false;
    for (const char c : b) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) return false;
    }
    return true;
}

}  // namespace

std::string S3Settings::requestHost() const { return pathStyle ? host : bucket + "." + host; }
std::string S3Settings::bucketPath() const { return pathStyle ? "/" + bucket : std::string(); }
std::string S3Settings::bucketUrl() const { return scheme + "://" + requestHost() + bucketPath(); }

Expected<S3Settings> parseS3Settings(const std::map<std::string, std::string>& m, const std::string& dataDir) {
    S3Settings s;
    s.endpoint = get(m, "endpoint");
    if (s.endpoint.empty()) return bad("endpoint", "required with blobs.plugin=s3 (e.g. https://s3.example.org)");
    std::string_view rest = s.endpoint;
    if (rest.rfind("http://", 0) == 0) {
        s.scheme = "http";
        rest.remove_prefix(7);
    } else if (rest.rfind("https://", 0) == 0) {
        s.scheme = "https";
        rest.remove_prefix(8);
    } else {
        return bad("endpoint", "'" + s.endpoint + "' must start with http:// or https://");
    }
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) {
        return bad("endpoint", "'" + s.endpoint + "' must be scheme://host[:port] with no path");
    }
    s.host = std::string(rest);

    if (const std::string region = get(m, "region"); !region.empty()) s.region = region;
    s.bucket = get(m, "bucket");
    if (s.bucket.empty()) return bad("bucket", "required with blobs.plugin=s3");
    if (!bucketNameOk(s.bucket)) return bad("bucket", "'" + s.bucket + "' is not a valid bucket name");
    s.accessKeyId = get(m, "accessKeyId");
    if (s.accessKeyId.empty()) return bad("accessKeyId", "required with blobs.plugin=s3");
    if (s.accessKeyId.find_first_of(":/\r\n ") != std::string::npos) {
        return bad("accessKeyId", "has a character an access key never has");
    }
    s.secretAccessKey = get(m, "secretAccessKey");
    if (s.secretAccessKey.empty()) {
        return bad("secretAccessKey", "required with blobs.plugin=s3 (set OBSCURA_BLOBS_S3_SECRET_ACCESS_KEY)");
    }
    const std::string pathStyle = get(m, "pathStyle");
    if (pathStyle == "false") {
        s.pathStyle = false;
    } else if (!pathStyle.empty() && pathStyle != "true") {
        return bad("pathStyle", "'" + pathStyle + "' is not true or false");
    }
    s.prefix = get(m, "prefix");
    while (!s.prefix.empty() && s.prefix.front() == '/') s.prefix.erase(0, 1);
    if (!s.prefix.empty() && s.prefix.back() != '/') s.prefix.push_back('/');

    auto threshold = number(m, "multipartThresholdBytes", static_cast<std::int64_t>(s.multipartThresholdBytes),
                            static_cast<std::int64_t>(kMinPartBytes), std::int64_t{5} << 40);
    if (!threshold) return threshold.error();
    s.multipartThresholdBytes = static_cast<std::uint64_t>(*threshold);
    auto part = number(m, "partSizeBytes", static_cast<std::int64_t>(s.partSizeBytes),
                       static_cast<std::int64_t>(kMinPartBytes), static_cast<std::int64_t>(kMaxPartBytes));
    if (!part) return part.error();
    s.partSizeBytes = static_cast<std::uint64_t>(*part);
    auto ttl = number(m, "presignTtlSeconds", s.presignTtlSeconds, 1, kMaxPresignSeconds);
    if (!ttl) return ttl.error();
    s.presignTtlSeconds = *ttl;
    s.tmpDir = dataDir.empty() ? std::string("./data/tmp") : dataDir + "/tmp";
    return s;
}

}  // namespace obscura::s3
