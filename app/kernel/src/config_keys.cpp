// Every configuration key: its type, default, range and description, in the order docs/configuration.md
// lists them. A feature adds its keys here; config_schema.cpp holds how values are checked and made canonical.
#include <cstdint>
#include <string>
#include <vector>

#include "config_schema.hpp"

namespace obscura {
namespace {

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = 1024 * kKiB;
constexpr std::int64_t kGiB = 1024 * kMiB;
constexpr std::int64_t kTiB = 1024 * kGiB;

ConfigKey str(std::string key, std::string def, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::String;
    k.defaultValue = std::move(def);
    k.description = std::move(description);
    return k;
}

ConfigKey secret(std::string key, std::string description) {
    ConfigKey k = str(std::move(key), "", std::move(description));
    k.secret = true;
    return k;
}

ConfigKey oneOf(std::string key, std::string def, std::vector<std::string> allowed, std::string description) {
    ConfigKey k = str(std::move(key), std::move(def), std::move(description));
    k.allowed = std::move(allowed);
    return k;
}

ConfigKey integer(std::string key, std::int64_t def, std::int64_t min, std::int64_t max, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::Int;
    k.defaultValue = std::to_string(def);
    k.description = std::move(description);
    k.min = min;
    k.max = max;
    return k;
}

ConfigKey boolean(std::string key, bool def, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::Bool;
    k.defaultValue = def ? "true" : "false";
    k.description = std::move(description);
    return k;
}

ConfigKey list(std::string key, std::string description) {
    ConfigKey k;
    k.key = std::move(key);
    k.type = ConfigType::StringList;
    k.description = std::move(description);
    return k;
}

ConfigKey withAlias(ConfigKey k, std::string alias) {
    k.envAliases.push_back(std::move(alias));
    return k;
}

std::vector<ConfigKey> buildSchema() {
    return {
        // server
        str("server.host", "0.0.0.0",
            "Address to listen on: an IP address or host name; \"::\" for every IPv6 address."),
        integer("server.port", 8080, 0, 65535, "TCP port to listen on; 0 picks a free port (tests)."),
        withAlias(str("server.dataDir", "./data", "Data directory: database, secret, library, derivatives, tmp."),
                  "OBSCURA_DATA_DIR"),
        str("server.publicUrl", "", "External base URL (http:// or https://) used in links; empty = from the request."),
        // Finding photos again (issue 22).
        str("server.mapTileUrl", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "Map tile URL template ({z}, {x}, {y}) the web UI's map loads tiles from; empty = no map page."),
        integer("server.ioThreads", 0, 0, 64, "Network I/O threads; 0 = number of cores."),
        integer("server.workerThreads", 0, 0, 256, "Request handler threads; 0 = 4 x cores (at least 4)."),
        integer("server.maxHeaderBytes", 8 * kKiB, 1 * kKiB, 64 * kKiB, "Largest request header accepted (431 above)."),
        integer("server.maxJsonBodyBytes", 1 * kMiB, 1 * kKiB, 64 * kMiB, "Largest JSON request body (413 above)."),
        integer("server.maxConnections", 1024, 1, 1000000, "Open connections the server accepts in total."),
        integer("server.maxConnectionsPerIp", 64, 1, 1000000, "Open connections accepted from one client IP."),
        integer("server.headerTimeoutSeconds", 10, 1, 3600, "Time allowed for a whole request header to arrive."),
        integer("server.idleTimeoutSeconds", 60, 1, 86400, "Keep-alive connection closed after this long idle."),
        integer("server.bodyGraceSeconds", 10, 0, 3600, "Time before the minimum body rate is enforced."),
        integer("server.minBodyBytesPerSecond", 1024, 1, 1 * kGiB, "Slower request bodies are cut off with 408."),
        integer("server.writeTimeoutSeconds", 60, 1, 3600, "A response write making no progress this long is cut."),
        integer("server.drainSeconds", 25, 0, 3600, "On SIGTERM/SIGINT, time in-flight requests get to finish."),
        integer("server.drainDelaySeconds", 0, 0, 600,
                "On SIGTERM/SIGINT, time /readyz answers 503 draining while requests are still served, before the "
                "listener closes (set it above the load balancer's health-check interval x fall count)."),
        list("server.trustedProxies",
             "IPs or CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed; empty = none."),
        // storage
        str("storage.plugin", "sqlite", "Storage plugin name: loads obscura_storage_<name>.so."),
        str("storage.pluginDir", "", "Directory of storage plugins; empty = beside the executable."),
        // database
        str("database.url", "", "Database URL for server databases (mysql://user@host:3306/db); unused by sqlite."),
        secret("database.password", "Database password, kept out of the URL so a Kubernetes Secret can supply it."),
        integer("database.poolSize", 8, 1, 256, "Database connections kept open."),
        // blobs
        str("blobs.plugin", "local", "Blob store plugin name: loads obscura_blobs_<name>.so; local = the data dir."),
        str("blobs.pluginDir", "", "Directory of blob plugins; empty = beside the executable."),
        str("blobs.s3.endpoint", "", "s3: the store's URL, http(s)://host[:port], no path."),
        str("blobs.s3.region", "us-east-1", "s3: the region requests are signed for."),
        str("blobs.s3.bucket", "", "s3: the bucket every object lives in; it must exist."),
        str("blobs.s3.accessKeyId", "", "s3: access key id."),
        secret("blobs.s3.secretAccessKey", "s3: secret access key; from the environment or a file, never logged."),
        boolean("blobs.s3.pathStyle", true, "s3: bucket in the path (host/bucket/key) rather than the host name."),
        str("blobs.s3.prefix", "", "s3: folder in the bucket every key is put under; empty = the bucket's root."),
        integer("blobs.s3.multipartThresholdBytes", 64 * kMiB, 5 * kMiB, 5 * kTiB,
                "s3: larger objects are put in parts."),
        integer("blobs.s3.partSizeBytes", 16 * kMiB, 5 * kMiB, 5 * kGiB, "s3: size of each part of a multipart put."),
        boolean("blobs.s3.redirectDownloads", false,
                "s3: downloads answer 302 to a presigned GET instead of streaming through the server."),
        integer("blobs.s3.presignTtlSeconds", 900, 1, 604800, "s3: lifetime of a presigned URL."),
        // bus: events and job wake-ups across replicas (DESIGN §9)
        oneOf("bus.broker", "none", {"none", "amqp"},
              "Broker between replicas: none = the database relay alone; amqp = RabbitMQ (obscura_bus_amqp.so)."),
        str("bus.pluginDir", "", "Directory of bus plugins; empty = beside the executable."),
        integer("bus.relay.pollMs", 100, 10, 10000,
                "How often each replica reads the others' events from the database (slower while a broker is up)."),
        integer("bus.relay.retentionSeconds", 300, 10, 86400,
                "How long events are kept for clients that reconnect with Last-Event-ID."),
        str("bus.amqp.url", "", "amqp: the broker, amqp://user@host:5672/vhost (no password in it)."),
        secret("bus.amqp.password", "amqp: the user's password; from the environment or a file, never logged."),
        str("bus.amqp.exchange", "obscura", "amqp: prefix of the exchanges (<prefix>.events, <prefix>.jobs)."),
        integer("bus.amqp.heartbeatSeconds", 10, 0, 600, "amqp: connection heartbeat; a dead broker is noticed in 2x."),
        // log
        oneOf("log.level", "info", {"trace", "debug", "info", "warn", "error"}, "Least severe level logged."),
        oneOf("log.format", "json", {"json", "text"}, "Log line format: one JSON object per line, or plain text."),
        boolean("log.accessLog", true, "One log line per HTTP request."),
        // auth
        secret("auth.jwtSecret",
               "JWT signing key, at least 32 characters; empty = generated once into <dataDir>/secret."),
        oneOf("auth.registration", "", {"", "open", "closed"},
              "Self-registration: open, closed, or empty = open until the first user exists, then closed."),
        integer("auth.accessTokenMinutes", 15, 1, 1440, "Lifetime of an access token."),
        integer("auth.refreshTokenDays", 30, 1, 365, "Lifetime of a refresh token."),
        integer("auth.passwordHashMemoryKib", 64 * kKiB, 19 * kKiB, 4 * kMiB,
                "argon2id memory per password hash, in KiB; at least 19456 (19 MiB, OWASP's minimum)."),
        integer("auth.passwordHashIterations", 3, 2, 64, "argon2id passes over that memory; at least 2 (OWASP)."),
        integer("auth.passwordHashConcurrency", 0, 0, 256,
                "Password hashes computed at once (peak memory = this x passwordHashMemoryKib); 0 = cores."),
        integer("auth.loginFailuresPerUsername", 5, 1, 1000000,
                "Failed sign-ins for one username within the window before further attempts get 429."),
        integer("auth.loginFailuresPerIp", 20, 1, 1000000,
                "Failed sign-ins from one client IP within the window before further attempts get 429."),
        integer("auth.loginFailureWindowSeconds", 900, 1, 86400,
                "Window in which failed sign-ins are counted; it starts at the first failure."),
        // images
        integer("images.trashDays", 30, 0, 3650, "Days a trashed asset is kept before it is deleted; 0 = at once."),
        integer("images.maxUploadBytes", 10 * kGiB, 1, 1 * kTiB, "Largest upload accepted (413 above)."),
        integer("images.listingCacheBytes", 32 * kMiB, 0, 4 * kGiB,
                "Memory for rendered listing pages, reused until the owner's library changes (30 s at most); 0 = off."),
        integer(
            "images.directUploadTtlSeconds", 3600, 60, 604800,
            "Lifetime of a direct upload's URL (POST /api/assets/upload-url); unconfirmed uploads are deleted then."),
        integer("images.uploadCommitGraceSeconds", 3600, 1, 604800,
                "After this long an upload's stored original whose row never committed (its process ended between the "
                "two) is removed by a durable job; a commit later than this is refused with 503 and the client sends "
                "the upload again."),
        // media
        integer("media.workers", 0, 0, 64, "Conversion jobs run at once; 0 = number of cores."),
        integer("media.maxPixels", 100000000, 1, 10000000000, "Images with more pixels are refused before decoding."),
        str("media.smtp.host", "", "SMTP server for outgoing mail; empty = no mail is sent."),
        integer("media.smtp.port", 587, 1, 65535, "SMTP server port."),
        str("media.smtp.username", "", "SMTP user name; empty = no authentication."),
        secret("media.smtp.password", "SMTP password."),
        str("media.smtp.from", "", "Sender address of outgoing mail (\"Obscura <photos@example.org>\")."),
        oneOf("media.smtp.tls", "starttls", {"starttls", "tls", "none"},
              "SMTP transport security: STARTTLS upgrade, implicit TLS, or none."),
    };
}

}  // namespace

const std::vector<ConfigKey>& Config::schema() {
    static const std::vector<ConfigKey> keys = buildSchema();
    return keys;
}

}  // namespace obscura
