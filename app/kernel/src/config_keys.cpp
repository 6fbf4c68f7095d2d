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
        integer("server.computeThreads", 0, -1, 64,
                "Threads of the timeline, search and map pages; 0 = number of cores with SQLite, -1 or a database "
                "server = on the request handler threads."),
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
        // server.backup: scheduled backups (issue 24; app/backup_schedule.hpp)
        str("server.backup.schedule", "",
            "Scheduled backups: \"\" or off, \"every N{s,m,h,d}\" (e.g. every 6h) or \"daily HH:MM\" (UTC)."),
        str("server.backup.dir", "", "Where scheduled backups go, one obscura-backup-<time> folder each."),
        integer("server.backup.keep", 7, 1, 1000, "Scheduled backups kept; the oldest beyond this are removed."),
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
        integer(
            "blobs.recentCopiesBytes", 256 * kMiB, 0, 64 * kGiB,
            "Remote stores: bytes of just-uploaded originals kept in tmp/ (10 minutes) for the media jobs; 0 = off."),
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
        // two-factor sign-in and password reset by e-mail (issue 24)
        integer("auth.mfaChallengeSeconds", 300, 30, 3600,
                "Lifetime of the single-use challenge a password sign-in answers while a second factor is owed."),
        integer("auth.passwordResetMinutes", 30, 5, 1440, "Lifetime of a mailed password-reset link."),
        integer("auth.passwordResetsPerAddress", 3, 1, 1000,
                "Password-reset requests for one e-mail address within auth.loginFailureWindowSeconds before 429."),
        integer("auth.passwordResetsPerIp", 10, 1, 1000000,
                "Password-reset requests from one client IP within auth.loginFailureWindowSeconds before 429."),
        // auth.oidc: OpenID Connect sign-in (issue 24); off while issuer is empty
        str("auth.oidc.issuer", "",
            "OpenID provider's issuer URL (its /.well-known/openid-configuration is read); empty = OIDC off."),
        str("auth.oidc.clientId", "", "Client id registered at the provider for this server."),
        secret("auth.oidc.clientSecret", "Client secret from the provider; empty = a public client (PKCE only)."),
        str("auth.oidc.scope", "openid email profile", "Scopes asked for; must include openid."),
        boolean("auth.oidc.autoRegister", false,
                "Create an account on the first sign-in of a provider account no user is linked to."),
        boolean("auth.oidc.linkByEmail", false,
                "Link a provider account to the existing user with the same e-mail, only if the provider says the "
                "address is verified."),
        str("auth.oidc.adminClaim", "",
            "Claim that makes a user admin at each sign-in: \"name\" (true) or \"name=value\" (equal, or in a "
            "list); empty = admin rights are managed here."),
        str("auth.oidc.quotaClaim", "",
            "Claim holding the user's quota in bytes, applied at each sign-in; empty = quotas are managed here."),
        str("auth.oidc.buttonText", "Sign in with SSO", "Label of the web UI's sign-in button for the provider."),
        // images
        integer("images.trashDays", 30, 0, 3650, "Days a trashed asset is kept before it is deleted; 0 = at once."),
        integer("images.maxUploadBytes", 10 * kGiB, 1, 1 * kTiB, "Largest upload accepted (413 above)."),
        integer("images.listingCacheBytes", 32 * kMiB, 0, 4 * kGiB,
                "Memory for rendered listing pages, reused until the owner's library changes (30 s at most); 0 = off."),
        // Map markers (issue 22): a cache of its own, its answers are a few MB each.
        integer("images.mapCacheBytes", 64 * kMiB, 0, 4 * kGiB,
                "Memory for rendered map answers (GET /api/map/markers), reused until the owner's or a partner's "
                "library changes (30 s at most); an answer larger than a quarter of it (about 200,000 markers at the "
                "default) is not kept; 0 = off."),
        integer(
            "images.directUploadTtlSeconds", 3600, 60, 604800,
            "Lifetime of a direct upload's URL (POST /api/assets/upload-url); unconfirmed uploads are deleted then."),
        integer("images.uploadCommitGraceSeconds", 3600, 1, 604800,
                "After this long an upload's stored original whose row never committed (its process ended between the "
                "two) is removed by a durable job; a commit later than this is refused with 503 and the client sends "
                "the upload again."),
        // images: near-duplicates (issue 22)
        integer("images.duplicateDistance", 6, 0, 64,
                "Two images are near-duplicates when their 64-bit perceptual hashes differ in at most this many bits "
                "(GET /api/duplicates; ?distance= overrides it per request)."),
        // media
        integer("media.workers", 0, 0, 64, "Conversion jobs run at once; 0 = number of cores."),
        integer("media.maxPixels", 100000000, 1, 10000000000, "Images with more pixels are refused before decoding."),
        str("media.engineDir", "",
            "Directory of the image engine module (obscura_media_vips.so, libvips); empty = beside the executable, "
            "like the plugins."),
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
