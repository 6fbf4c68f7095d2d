// The SQLite schema, one migration per (module, version). Never edit a migration that has shipped: add
// the next version instead. Tables are STRICT so a wrongly typed bind fails instead of being coerced.
// Times are RFC 3339 text exactly as the module gave them (offset kept); where rows are ordered or
// compared by time, an INTEGER UTC-microseconds twin (*_us) carries the order, because text with
// different offsets does not sort chronologically.
#include "sqlite_migrations.hpp"

namespace obscura::sqlite {

namespace {

// The kernel's durable job queue. No foreign keys: a job may outlive the asset or user it was about
// (a purge job runs after its asset is gone). Scheduling times are INTEGER UTC microseconds; created_at
// keeps the caller's text and created_at_us orders the listing.
constexpr std::string_view kKernelV1 = R"sql(
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
    kind             TEXT NOT NULL CHECK (length(kind) > 0),
    payload          TEXT NOT NULL DEFAULT '' CHECK (payload = '' OR json_valid(payload)),
    owner_id         TEXT NOT NULL DEFAULT '',
    asset_id         TEXT NOT NULL DEFAULT '',
    dedupe_key       TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_after_us     INTEGER NOT NULL,
    lease_owner      TEXT NOT NULL DEFAULT '',
    lease_expires_us INTEGER NOT NULL DEFAULT 0,
    progress         REAL NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
    error            TEXT NOT NULL DEFAULT '',
    result           TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    created_at_us    INTEGER NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
-- At most one job per (kind, dedupe key) ever; jobs without a key are not constrained.
CREATE UNIQUE INDEX jobs_dedupe ON jobs (kind, dedupe_key) WHERE dedupe_key <> '';
-- claim: the oldest due queued job of a kind; countActive and counts() read it too.
CREATE INDEX jobs_claim ON jobs (kind, state, run_after_us, id);
-- claim: running jobs of a kind whose worker vanished (lease expired), oldest expiry first.
CREATE INDEX jobs_lease ON jobs (kind, state, lease_expires_us, id);
-- The admin listing, newest first, keyset-paginated; with and without a state filter.
CREATE INDEX jobs_newest ON jobs (created_at_us DESC, id DESC);
CREATE INDEX jobs_state_newest ON jobs (state, created_at_us DESC, id DESC);
)sql";

constexpr std::string_view kAuthV1 = R"sql(
CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
    username      TEXT NOT NULL CHECK (length(username) > 0),
    username_key  TEXT NOT NULL UNIQUE CHECK (length(username_key) > 0),
    email         TEXT NOT NULL DEFAULT '',
    display_name  TEXT NOT NULL DEFAULT '',
    bio           TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    quota_bytes   INTEGER CHECK (quota_bytes IS NULL OR quota_bytes >= 0),
    token_version INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
-- Refresh tokens, hashed. A family is every token rotated from one sign-in.
CREATE TABLE refresh_tokens (
    id            TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id     TEXT NOT NULL CHECK (length(family_id) > 0),
    token_hash    TEXT NOT NULL UNIQUE CHECK (length(token_hash) > 0),
    created_at    TEXT NOT NULL,
    expires_at_us INTEGER NOT NULL,
    used_at_us    INTEGER,
    revoked       INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))
) STRICT;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expiry ON refresh_tokens (expires_at_us);
-- API keys, hashed; looked up by hash on every request that carries one.
CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    key_hash   TEXT NOT NULL UNIQUE CHECK (length(key_hash) > 0),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX api_keys_user ON api_keys (user_id, created_at);
-- Failed sign-ins per client IP and per username, shared by every process using this database.
CREATE TABLE login_failures (
    key             TEXT PRIMARY KEY NOT NULL CHECK (length(key) > 0),
    failures        INTEGER NOT NULL CHECK (failures >= 0),
    window_start_us INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_window ON login_failures (window_start_us);
)sql";

constexpr std::string_view kImagesV1 = R"sql(
CREATE TABLE assets (
    id                 TEXT PRIMARY KEY NOT NULL CHECK (length(id) > 0),
    owner_id           TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type               TEXT NOT NULL CHECK (type IN ('image', 'video')),
    original_file_name TEXT NOT NULL DEFAULT '',
    mime_type          TEXT NOT NULL,
    size_bytes         INTEGER NOT NULL CHECK (size_bytes >= 0),
    checksum           TEXT NOT NULL CHECK (length(checksum) = 40),
    width              INTEGER,
    height             INTEGER,
    duration_seconds   REAL,
    taken_at           TEXT NOT NULL,
    taken_at_us        INTEGER NOT NULL,
    created_at         TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL DEFAULT '',
    is_favorite        INTEGER NOT NULL DEFAULT 0 CHECK (is_favorite IN (0, 1)),
    is_archived        INTEGER NOT NULL DEFAULT 0 CHECK (is_archived IN (0, 1)),
    is_trashed         INTEGER NOT NULL DEFAULT 0 CHECK (is_trashed IN (0, 1)),
    trashed_at         TEXT,
    trashed_at_us      INTEGER,
    exif               TEXT CHECK (exif IS NULL OR json_valid(exif)),
    storage_path       TEXT NOT NULL,
    UNIQUE (owner_id, checksum)
) STRICT;
-- The timeline: one owner's live (or archived, or trashed) assets, newest first, keyset-paginated.
CREATE INDEX assets_timeline ON assets (owner_id, is_trashed, is_archived, taken_at_us DESC, id DESC);
-- Emptying the trash: trashed assets older than the retention period.
CREATE INDEX assets_trash ON assets (is_trashed, trashed_at_us);
)sql";

constexpr std::string_view kMediaV1 = R"sql(
CREATE TABLE derivatives (
    asset_id   TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    state      TEXT NOT NULL,
    path       TEXT,
    version    INTEGER NOT NULL DEFAULT 0,
    error      TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (asset_id, kind)
) STRICT;
CREATE INDEX derivatives_state ON derivatives (state);
)sql";

}  // namespace

const std::vector<Migration>& allMigrations() {
    // Order matters: a module's migrations come after those of every module they reference. The kernel's
    // tables come first: modules enqueue jobs in their own transactions from their first request on.
    static const std::vector<Migration> kMigrations = {
        {"kernel", 1, {}, kKernelV1},
        {"auth", 1, {}, kAuthV1},
        {"images", 1, {{"auth", 1}}, kImagesV1},
        {"media", 1, {{"images", 1}}, kMediaV1},
    };
    return kMigrations;
}

}  // namespace obscura::sqlite
