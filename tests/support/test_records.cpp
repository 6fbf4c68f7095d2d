#include "test_records.hpp"

#include <ctime>

#include "obscura/base/ids.hpp"

namespace obscura::test {

std::string utcText(std::int64_t us) {
    const std::time_t seconds = us / 1000000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::string randomChecksum() {
    // Two UUIDs' hex digits are random enough and never collide in practice.
    std::string hex;
    for (const char c : newUuid() + newUuid())
        if (c != '-') hex += c;
    return hex.substr(0, 40);
}

storage::UserRecord makeUser(const std::string& tag) {
    storage::UserRecord user;
    user.id = newUuid();
    user.username = "User_" + tag + "_" + user.id.substr(0, 8);
    user.usernameKey = "user_" + tag + "_" + user.id.substr(0, 8);
    user.email = user.usernameKey + "@example.org";
    user.displayName = "User " + tag;
    user.passwordHash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
    user.createdAt = "2024-05-01T12:00:00Z";
    user.updatedAt = "2024-05-01T12:00:00Z";
    return user;
}

storage::AssetRecord makeAsset(const std::string& ownerId, std::int64_t takenAtUs) {
    storage::AssetRecord a;
    a.id = newUuid();
    a.ownerId = ownerId;
    a.type = "image";
    a.originalFileName = "IMG_" + a.id.substr(0, 4) + ".jpg";
    a.mimeType = "image/jpeg";
    a.sizeBytes = 1000;
    a.checksum = randomChecksum();
    a.width = 4000;
    a.height = 3000;
    a.takenAt = utcText(takenAtUs);
    a.takenAtUs = takenAtUs;
    a.createdAt = "2024-05-01T12:00:00Z";
    a.createdAtUs = 1714564800LL * 1000000;
    a.updatedAt = a.createdAt;
    a.storagePath = "library/" + ownerId + "/2021/07/" + a.id + ".jpg";
    return a;
}

}  // namespace obscura::test
