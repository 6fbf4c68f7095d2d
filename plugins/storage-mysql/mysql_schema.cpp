// The MySQL/MariaDB schema, one migration per (module, version), mirroring the SQLite plugin's tables. Never
// edit a migration that has shipped: add the next version instead. Each statement must be safe to run again
// (see mysql_migrations.hpp), so indexes are declared inside CREATE TABLE IF NOT EXISTS.
//
// Valid on MariaDB 10.6+ and MySQL 8.0.16+ alike: InnoDB, utf8mb4 with the binary collation (values compare
// byte for byte, as in SQLite), CHECK constraints, no defaults on TEXT columns (MySQL refuses literal ones),
// no triggers (InnoDB's cascading deletes would not fire them anyway) — what SQLite keeps in step with
// triggers, the repositories write in the same transaction. Times are RFC 3339 text exactly as given plus a
// BIGINT UTC-microseconds twin (*_us) wherever rows are ordered or compared by time. Free text is TEXT or
// MEDIUMTEXT (a 1 MiB bio fits); indexed text is VARCHAR sized for real data within InnoDB's 3072-byte keys.
#include "mysql_storage.hpp"

namespace obscura::mysql {

namespace {

#define OBSCURA_MYSQL_TABLE_OPTIONS " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin ROW_FORMAT=DYNAMIC"

// The kernel's durable job queue. No foreign keys: a job may outlive what it was about. dedupe_key is NULL
// when the job has none (the API's ""), so the unique key constrains only real keys.
constexpr std::string_view kJobs = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
    id               VARCHAR(64)  NOT NULL,
    kind             VARCHAR(128) NOT NULL,
    payload          MEDIUMTEXT   NOT NULL,
    owner_id         VARCHAR(64)  NOT NULL,
    asset_id         VARCHAR(64)  NOT NULL,
    dedupe_key       VARCHAR(255) NULL,
    state            VARCHAR(16)  NOT NULL,
    attempts         INT          NOT NULL DEFAULT 0,
    max_attempts     INT          NOT NULL,
    run_after_us     BIGINT       NOT NULL,
    lease_owner      VARCHAR(255) NOT NULL DEFAULT '',
    lease_expires_us BIGINT       NOT NULL DEFAULT 0,
    progress         DOUBLE       NOT NULL DEFAULT 0,
    error            MEDIUMTEXT   NOT NULL,
    result           MEDIUMTEXT   NOT NULL,
    created_at       VARCHAR(64)  NOT NULL,
    created_at_us    BIGINT       NOT NULL,
    updated_at       VARCHAR(64)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY jobs_dedupe (kind, dedupe_key),
    KEY jobs_claim (kind, state, run_after_us, id),
    KEY jobs_lease (kind, state, lease_expires_us, id),
    KEY jobs_newest (created_at_us, id),
    KEY jobs_state_newest (state, created_at_us, id),
    CONSTRAINT jobs_id_check CHECK (CHAR_LENGTH(id) > 0),
    CONSTRAINT jobs_kind_check CHECK (CHAR_LENGTH(kind) > 0),
    CONSTRAINT jobs_dedupe_check CHECK (dedupe_key IS NULL OR CHAR_LENGTH(dedupe_key) > 0),
    CONSTRAINT jobs_state_check CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
    CONSTRAINT jobs_attempts_check CHECK (attempts >= 0),
    CONSTRAINT jobs_max_attempts_check CHECK (max_attempts >= 1),
    CONSTRAINT jobs_progress_check CHECK (progress >= 0 AND progress <= 1),
    CONSTRAINT jobs_payload_check CHECK (payload = '' OR JSON_VALID(payload))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kUsers = R"sql(
CREATE TABLE IF NOT EXISTS users (
    id            VARCHAR(64)  NOT NULL,
    username      VARCHAR(255) NOT NULL,
    username_key  VARCHAR(255) NOT NULL,
    email         TEXT         NOT NULL,
    display_name  TEXT         NOT NULL,
    bio           MEDIUMTEXT   NOT NULL,
    password_hash TEXT         NOT NULL,
    is_admin      TINYINT      NOT NULL DEFAULT 0,
    disabled      TINYINT      NOT NULL DEFAULT 0,
    quota_bytes   BIGINT       NULL,
    token_version BIGINT       NOT NULL DEFAULT 0,
    created_at    VARCHAR(64)  NOT NULL,
    updated_at    VARCHAR(64)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_username_key (username_key),
    KEY users_admins (is_admin, disabled),
    CONSTRAINT users_id_check CHECK (CHAR_LENGTH(id) > 0),
    CONSTRAINT users_username_check CHECK (CHAR_LENGTH(username) > 0),
    CONSTRAINT users_username_key_check CHECK (CHAR_LENGTH(username_key) > 0),
    CONSTRAINT users_flags_check CHECK (is_admin IN (0, 1) AND disabled IN (0, 1)),
    CONSTRAINT users_quota_check CHECK (quota_bytes IS NULL OR quota_bytes >= 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Refresh tokens, hashed. A family is every token rotated from one sign-in.
constexpr std::string_view kRefreshTokens = R"sql(
CREATE TABLE IF NOT EXISTS refresh_tokens (
    id            VARCHAR(64)  NOT NULL,
    user_id       VARCHAR(64)  NOT NULL,
    family_id     VARCHAR(64)  NOT NULL,
    token_hash    VARCHAR(255) NOT NULL,
    created_at    VARCHAR(64)  NOT NULL,
    expires_at_us BIGINT       NOT NULL,
    used_at_us    BIGINT       NULL,
    revoked       TINYINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY refresh_tokens_hash (token_hash),
    KEY refresh_tokens_family (family_id),
    KEY refresh_tokens_user (user_id),
    KEY refresh_tokens_expiry (expires_at_us),
    CONSTRAINT refresh_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT refresh_tokens_check CHECK (CHAR_LENGTH(id) > 0 AND CHAR_LENGTH(family_id) > 0 AND
                                           CHAR_LENGTH(token_hash) > 0 AND revoked IN (0, 1))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// API keys, hashed; looked up by hash on every request that carries one.
constexpr std::string_view kApiKeys = R"sql(
CREATE TABLE IF NOT EXISTS api_keys (
    id         VARCHAR(64)  NOT NULL,
    user_id    VARCHAR(64)  NOT NULL,
    name       TEXT         NOT NULL,
    key_hash   VARCHAR(255) NOT NULL,
    created_at VARCHAR(64)  NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_keys_hash (key_hash),
    KEY api_keys_user (user_id, created_at),
    CONSTRAINT api_keys_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT api_keys_check CHECK (CHAR_LENGTH(id) > 0 AND CHAR_LENGTH(key_hash) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Failed sign-ins per client IP and per username, shared by every process using this database.
constexpr std::string_view kLoginFailures = R"sql(
CREATE TABLE IF NOT EXISTS login_failures (
    `key`           VARCHAR(255) NOT NULL,
    failures        BIGINT       NOT NULL,
    window_start_us BIGINT       NOT NULL,
    PRIMARY KEY (`key`),
    KEY login_failures_window (window_start_us),
    CONSTRAINT login_failures_check CHECK (CHAR_LENGTH(`key`) > 0 AND failures >= 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Assets. seq clusters the rows in upload order and is what the side tables point at (8 bytes in every
// secondary index instead of a 36-character id). The listing indexes mirror the SQLite plugin's.
constexpr std::string_view kAssets = R"sql(
CREATE TABLE IF NOT EXISTS assets (
    seq                BIGINT       NOT NULL AUTO_INCREMENT,
    id                 VARCHAR(64)  NOT NULL,
    owner_id           VARCHAR(64)  NOT NULL,
    type               VARCHAR(8)   NOT NULL,
    original_file_name TEXT         NOT NULL,
    mime_type          VARCHAR(255) NOT NULL,
    size_bytes         BIGINT       NOT NULL,
    checksum           VARCHAR(40)  NOT NULL,
    width              BIGINT       NULL,
    height             BIGINT       NULL,
    duration_seconds   DOUBLE       NULL,
    taken_at           VARCHAR(64)  NOT NULL,
    taken_at_us        BIGINT       NOT NULL,
    -- The timeline's month: the takenAt text's own calendar month (the photo's local time).
    taken_month        VARCHAR(7)   GENERATED ALWAYS AS (LEFT(taken_at, 7)) STORED,
    created_at         VARCHAR(64)  NOT NULL,
    created_at_us      BIGINT       NOT NULL,
    updated_at         VARCHAR(64)  NOT NULL,
    title              TEXT         NOT NULL,
    description        MEDIUMTEXT   NOT NULL,
    tags               MEDIUMTEXT   NOT NULL,
    is_favorite        TINYINT      NOT NULL DEFAULT 0,
    is_archived        TINYINT      NOT NULL DEFAULT 0,
    is_trashed         TINYINT      NOT NULL DEFAULT 0,
    trashed_at         VARCHAR(64)  NULL,
    trashed_at_us      BIGINT       NULL,
    exif               MEDIUMTEXT   NOT NULL,
    storage_path       VARCHAR(512) NOT NULL,
    device_asset_id    TEXT         NOT NULL,
    device_id          TEXT         NOT NULL,
    thumbnail_state    VARCHAR(8)   NOT NULL DEFAULT 'pending',
    thumbnail_version  BIGINT       NOT NULL DEFAULT 0,
    preview_state      VARCHAR(8)   NOT NULL DEFAULT 'pending',
    preview_version    BIGINT       NOT NULL DEFAULT 0,
    video_state        VARCHAR(8)   NOT NULL DEFAULT 'pending',
    video_version      BIGINT       NOT NULL DEFAULT 0,
    derived_bytes      BIGINT       NOT NULL DEFAULT 0,
    file_missing       TINYINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (seq),
    UNIQUE KEY assets_id (id),
    -- Two identical uploads racing: exactly one insert wins.
    UNIQUE KEY assets_checksum (owner_id, checksum),
    UNIQUE KEY assets_storage_path (storage_path),
    KEY assets_timeline (owner_id, is_trashed, is_archived, taken_at_us, id),
    KEY assets_months (owner_id, is_trashed, is_archived, taken_month),
    KEY assets_all (owner_id, is_trashed, taken_at_us, id),
    KEY assets_favorites (owner_id, is_trashed, is_favorite, is_archived, taken_at_us, id),
    KEY assets_types (owner_id, is_trashed, type, is_archived, taken_at_us, id),
    KEY assets_owner_ids (owner_id, id),
    KEY assets_trash (is_trashed, trashed_at_us),
    CONSTRAINT assets_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT assets_id_check CHECK (CHAR_LENGTH(id) > 0 AND CHAR_LENGTH(storage_path) > 0),
    CONSTRAINT assets_type_check CHECK (type IN ('image', 'video')),
    CONSTRAINT assets_mime_check CHECK (CHAR_LENGTH(mime_type) > 0),
    CONSTRAINT assets_size_check CHECK (size_bytes >= 0 AND derived_bytes >= 0),
    CONSTRAINT assets_checksum_check CHECK (CHAR_LENGTH(checksum) = 40),
    CONSTRAINT assets_dimensions_check CHECK ((width IS NULL OR width >= 0) AND (height IS NULL OR height >= 0) AND
                                              (duration_seconds IS NULL OR duration_seconds >= 0)),
    CONSTRAINT assets_taken_check CHECK (CHAR_LENGTH(taken_at) >= 20),
    CONSTRAINT assets_json_check CHECK (JSON_VALID(tags) AND JSON_TYPE(tags) = 'ARRAY' AND
                                        JSON_VALID(exif) AND JSON_TYPE(exif) = 'OBJECT'),
    CONSTRAINT assets_flags_check CHECK (is_favorite IN (0, 1) AND is_archived IN (0, 1) AND is_trashed IN (0, 1)
                                         AND file_missing IN (0, 1)),
    CONSTRAINT assets_trash_check CHECK ((is_trashed = 0 AND trashed_at IS NULL AND trashed_at_us IS NULL) OR
                                         (is_trashed = 1 AND trashed_at IS NOT NULL AND trashed_at_us IS NOT NULL)),
    CONSTRAINT assets_states_check CHECK (thumbnail_state IN ('pending', 'ready', 'failed') AND
                                          preview_state IN ('pending', 'ready', 'failed') AND
                                          video_state IN ('pending', 'ready', 'failed'))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// One row per (asset, tag). tag_key is the tag with ASCII letters lower-cased (the module's notion of "the
// same tag"); taken_at_us and asset_id are copied so a tag listing is one index range in timeline order.
constexpr std::string_view kAssetTags = R"sql(
CREATE TABLE IF NOT EXISTS asset_tags (
    asset_seq   BIGINT       NOT NULL,
    asset_id    VARCHAR(64)  NOT NULL,
    owner_id    VARCHAR(64)  NOT NULL,
    tag         VARCHAR(255) NOT NULL,
    tag_key     VARCHAR(255) NOT NULL,
    taken_at_us BIGINT       NOT NULL,
    PRIMARY KEY (asset_seq, tag_key),
    KEY asset_tags_listing (owner_id, tag_key, taken_at_us, asset_id),
    CONSTRAINT asset_tags_asset_fk FOREIGN KEY (asset_seq) REFERENCES assets (seq) ON DELETE CASCADE,
    CONSTRAINT asset_tags_check CHECK (CHAR_LENGTH(tag) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Search: one row per (asset, word) of its title, description, tags, file name and camera make/model, split
// as DESIGN.md says. The accent- and case-insensitive collation makes `word LIKE 'caf%'` find "Café" through
// the (owner_id, word) index: exact whole-word-or-prefix semantics, with no stopword list and no minimum word
// length (InnoDB FULLTEXT has both). Words are cut at 64 characters.
constexpr std::string_view kAssetWords = R"sql(
CREATE TABLE IF NOT EXISTS asset_words (
    asset_seq BIGINT      NOT NULL,
    owner_id  VARCHAR(64) NOT NULL,
    word      VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    PRIMARY KEY (asset_seq, word),
    KEY asset_words_lookup (owner_id, word, asset_seq),
    CONSTRAINT asset_words_asset_fk FOREIGN KEY (asset_seq) REFERENCES assets (seq) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Per-owner totals, so a quota check at every upload and the statistics are one row read, not a count over the
// library. live_* leave the trash out (statistics); the others count it (it uses disk until purged).
constexpr std::string_view kAssetUsage = R"sql(
CREATE TABLE IF NOT EXISTS asset_usage (
    owner_id        VARCHAR(64) NOT NULL,
    assets          BIGINT      NOT NULL DEFAULT 0,
    images          BIGINT      NOT NULL DEFAULT 0,
    videos          BIGINT      NOT NULL DEFAULT 0,
    live_images     BIGINT      NOT NULL DEFAULT 0,
    live_videos     BIGINT      NOT NULL DEFAULT 0,
    bytes_originals BIGINT      NOT NULL DEFAULT 0,
    bytes_derived   BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (owner_id),
    CONSTRAINT asset_usage_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// The per-owner listing version (ImagesRepository::libraryVersion), bumped by the repositories' writes.
constexpr std::string_view kLibraryVersions = R"sql(
CREATE TABLE IF NOT EXISTS library_versions (
    owner_id VARCHAR(64) NOT NULL,
    version  BIGINT      NOT NULL,
    PRIMARY KEY (owner_id),
    CONSTRAINT library_versions_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Bytes served to each owner per calendar month (UTC).
constexpr std::string_view kAssetBandwidth = R"sql(
CREATE TABLE IF NOT EXISTS asset_bandwidth (
    owner_id VARCHAR(64) NOT NULL,
    month    CHAR(7)     NOT NULL,
    bytes    BIGINT      NOT NULL,
    PRIMARY KEY (owner_id, month),
    CONSTRAINT asset_bandwidth_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT asset_bandwidth_check CHECK (CHAR_LENGTH(month) = 7 AND bytes >= 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kDerivatives = R"sql(
CREATE TABLE IF NOT EXISTS derivatives (
    asset_id   VARCHAR(64) NOT NULL,
    kind       VARCHAR(32) NOT NULL,
    state      VARCHAR(16) NOT NULL,
    path       TEXT        NULL,
    version    BIGINT      NOT NULL DEFAULT 0,
    error      TEXT        NULL,
    updated_at VARCHAR(64) NOT NULL,
    PRIMARY KEY (asset_id, kind),
    KEY derivatives_state (state),
    CONSTRAINT derivatives_asset_fk FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Albums and share links (images v2). An album holds only its owner's assets; the chosen cover is not a foreign
// key (the repository answers it only while the asset is still in the album, else the first asset added).
constexpr std::string_view kAlbums = R"sql(
CREATE TABLE IF NOT EXISTS albums (
    id                 VARCHAR(64)  NOT NULL,
    owner_id           VARCHAR(64)  NOT NULL,
    name               TEXT         NOT NULL,
    description        MEDIUMTEXT   NOT NULL,
    thumbnail_asset_id VARCHAR(64)  NULL,
    created_at         VARCHAR(64)  NOT NULL,
    created_at_us      BIGINT       NOT NULL,
    updated_at         VARCHAR(64)  NOT NULL,
    PRIMARY KEY (id),
    KEY albums_owner (owner_id, created_at_us, id),
    CONSTRAINT albums_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT albums_id_check CHECK (CHAR_LENGTH(id) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kAlbumAssets = R"sql(
CREATE TABLE IF NOT EXISTS album_assets (
    album_id    VARCHAR(64) NOT NULL,
    asset_id    VARCHAR(64) NOT NULL,
    added_at_us BIGINT      NOT NULL,
    PRIMARY KEY (album_id, asset_id),
    KEY album_assets_asset (asset_id),
    KEY album_assets_added (album_id, added_at_us, asset_id),
    CONSTRAINT album_assets_album_fk FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE,
    CONSTRAINT album_assets_asset_fk FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kSharedLinks = R"sql(
CREATE TABLE IF NOT EXISTS shared_links (
    id             VARCHAR(64)  NOT NULL,
    owner_id       VARCHAR(64)  NOT NULL,
    link_key       VARCHAR(255) NOT NULL,
    key_hash       VARCHAR(128) NOT NULL,
    album_id       VARCHAR(64)  NULL,
    expires_at     VARCHAR(64)  NULL,
    expires_at_us  BIGINT       NULL,
    password_hash  TEXT         NULL,
    allow_download TINYINT      NOT NULL DEFAULT 1,
    created_at     VARCHAR(64)  NOT NULL,
    created_at_us  BIGINT       NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY shared_links_key (key_hash),
    KEY shared_links_owner (owner_id, created_at_us, id),
    KEY shared_links_album (album_id),
    CONSTRAINT shared_links_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT shared_links_album_fk FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE,
    CONSTRAINT shared_links_check CHECK (CHAR_LENGTH(id) > 0 AND CHAR_LENGTH(key_hash) > 0 AND
                                         allow_download IN (0, 1))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kSharedLinkAssets = R"sql(
CREATE TABLE IF NOT EXISTS shared_link_assets (
    link_id  VARCHAR(64) NOT NULL,
    asset_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (link_id, asset_id),
    KEY shared_link_assets_asset (asset_id),
    CONSTRAINT shared_link_assets_link_fk FOREIGN KEY (link_id) REFERENCES shared_links (id) ON DELETE CASCADE,
    CONSTRAINT shared_link_assets_asset_fk FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Partners (DESIGN.md section 7): who shares their whole library with whom, one row per direction. Both users'
// rows cascade, so deleting either ends the partnership in the deleting transaction. The primary key serves "whom
// do I share with"; partners_shared_with serves "who shares with me" (the listing's partner set).
constexpr std::string_view kPartners = R"sql(
CREATE TABLE IF NOT EXISTS partners (
    shared_by_id   VARCHAR(64) NOT NULL,
    shared_with_id VARCHAR(64) NOT NULL,
    in_timeline    TINYINT     NOT NULL DEFAULT 0,
    created_at     VARCHAR(64) NOT NULL,
    created_at_us  BIGINT      NOT NULL,
    PRIMARY KEY (shared_by_id, shared_with_id),
    KEY partners_shared_with (shared_with_id, shared_by_id),
    CONSTRAINT partners_shared_by_fk FOREIGN KEY (shared_by_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT partners_shared_with_fk FOREIGN KEY (shared_with_id) REFERENCES users (id) ON DELETE CASCADE,
    -- No CHECK on the two ids: MySQL refuses one on columns with a cascading foreign key (the repository
    -- refuses a self-partnership instead).
    CONSTRAINT partners_flags_check CHECK (in_timeline IN (0, 1))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Nested albums and the owner's download switch (images v5; SQLite's v4 dropped triggers this schema never had,
// so MySQL goes from 3 to 5). One ALTER, re-runnable (MariaDB's IF NOT EXISTS): MySQL commits around DDL and a
// run cut short is completed by the next one. parent_id is not a foreign key (see the SQLite schema).
constexpr std::string_view kAlbumTree = R"sql(
ALTER TABLE albums
    ADD COLUMN IF NOT EXISTS parent_id VARCHAR(64) NULL,
    ADD COLUMN IF NOT EXISTS allow_download TINYINT NOT NULL DEFAULT 1,
    ADD INDEX IF NOT EXISTS albums_parent (parent_id, created_at_us, id))sql";

// Sharing between people (sharing v1): rows go with their user, album or group by the cascades.
constexpr std::string_view kAlbumUsers = R"sql(
CREATE TABLE IF NOT EXISTS album_users (
    album_id VARCHAR(64) NOT NULL,
    user_id  VARCHAR(64) NOT NULL,
    role     VARCHAR(16) NOT NULL,
    added_at VARCHAR(64) NOT NULL,
    PRIMARY KEY (album_id, user_id),
    KEY album_users_user (user_id),
    CONSTRAINT album_users_album_fk FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE,
    CONSTRAINT album_users_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT album_users_role_check CHECK (role IN ('viewer', 'editor'))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kUserGroups = R"sql(
CREATE TABLE IF NOT EXISTS user_groups (
    id            VARCHAR(64) NOT NULL,
    owner_id      VARCHAR(64) NOT NULL,
    name          TEXT        NOT NULL,
    created_at    VARCHAR(64) NOT NULL,
    created_at_us BIGINT      NOT NULL,
    updated_at    VARCHAR(64) NOT NULL,
    PRIMARY KEY (id),
    KEY user_groups_owner (owner_id),
    CONSTRAINT user_groups_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT user_groups_check CHECK (CHAR_LENGTH(id) > 0 AND CHAR_LENGTH(name) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kGroupMembers = R"sql(
CREATE TABLE IF NOT EXISTS group_members (
    group_id VARCHAR(64) NOT NULL,
    user_id  VARCHAR(64) NOT NULL,
    PRIMARY KEY (group_id, user_id),
    KEY group_members_user (user_id),
    CONSTRAINT group_members_group_fk FOREIGN KEY (group_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT group_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kAlbumGroups = R"sql(
CREATE TABLE IF NOT EXISTS album_groups (
    album_id VARCHAR(64) NOT NULL,
    group_id VARCHAR(64) NOT NULL,
    role     VARCHAR(16) NOT NULL,
    PRIMARY KEY (album_id, group_id),
    KEY album_groups_group (group_id),
    CONSTRAINT album_groups_album_fk FOREIGN KEY (album_id) REFERENCES albums (id) ON DELETE CASCADE,
    CONSTRAINT album_groups_group_fk FOREIGN KEY (group_id) REFERENCES user_groups (id) ON DELETE CASCADE,
    CONSTRAINT album_groups_role_check CHECK (role IN ('viewer', 'editor'))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Direct uploads waiting for their confirm (direct_uploads v1): see the SQLite schema.
constexpr std::string_view kDirectUploads = R"sql(
CREATE TABLE IF NOT EXISTS direct_uploads (
    id            VARCHAR(64)   NOT NULL,
    owner_id      VARCHAR(64)   NOT NULL,
    object_key    VARCHAR(1024) NOT NULL,
    file_name     TEXT          NOT NULL,
    size_bytes    BIGINT        NOT NULL,
    checksum      VARCHAR(64)   NOT NULL DEFAULT '',
    album_id      VARCHAR(64)   NOT NULL DEFAULT '',
    title         TEXT          NOT NULL,
    description   TEXT          NOT NULL,
    created_at_us BIGINT        NOT NULL,
    expires_at_us BIGINT        NOT NULL,
    received      TINYINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    KEY direct_uploads_expiry (expires_at_us, id),
    CONSTRAINT direct_uploads_check CHECK (CHAR_LENGTH(id) > 0 AND size_bytes >= 0 AND received IN (0, 1))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Resumable uploads (migration module "uploads" v1): see the SQLite schema.
constexpr std::string_view kUploads = R"sql(
CREATE TABLE IF NOT EXISTS uploads (
    id              VARCHAR(64)  NOT NULL,
    owner_id        VARCHAR(64)  NOT NULL,
    upload_length   BIGINT       NULL,
    upload_offset   BIGINT       NOT NULL DEFAULT 0,
    metadata        TEXT         NOT NULL,
    state           VARCHAR(16)  NOT NULL,
    asset_id        VARCHAR(64)  NULL,
    error           TEXT         NOT NULL,
    writer          VARCHAR(128) NOT NULL DEFAULT '',
    writer_until_us BIGINT       NOT NULL DEFAULT 0,
    created_at      VARCHAR(64)  NOT NULL,
    created_at_us   BIGINT       NOT NULL,
    expires_at_us   BIGINT       NOT NULL,
    PRIMARY KEY (id),
    KEY uploads_owner (owner_id),
    KEY uploads_expiry (expires_at_us),
    CONSTRAINT uploads_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT uploads_check CHECK (CHAR_LENGTH(id) > 0 AND upload_offset >= 0 AND
                                    state IN ('open', 'importing', 'done', 'failed'))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Uploads v2: the parts of an upload kept in the blob store (see the SQLite schema).
constexpr std::string_view kUploadParts = R"sql(
CREATE TABLE IF NOT EXISTS upload_parts (
    upload_id VARCHAR(64)  NOT NULL,
    parts_id  VARCHAR(1024) NOT NULL,
    parts     MEDIUMTEXT   NOT NULL,
    PRIMARY KEY (upload_id),
    CONSTRAINT upload_parts_upload_fk FOREIGN KEY (upload_id) REFERENCES uploads (id) ON DELETE CASCADE,
    CONSTRAINT upload_parts_check CHECK (CHAR_LENGTH(parts_id) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Live photos (migration module "live_photos" v1): see the SQLite schema. One statement, so that it applies whole.
constexpr std::string_view kLivePhotoColumns = R"sql(
ALTER TABLE assets
    ADD COLUMN live_photo_video_id VARCHAR(64) NULL,
    ADD COLUMN IF NOT EXISTS is_hidden TINYINT NOT NULL DEFAULT 0,
    ADD COLUMN live_content_id VARCHAR(128) NULL,
    ADD COLUMN live_base_name VARCHAR(255) NULL,
    ADD INDEX assets_live_content (owner_id, live_content_id),
    ADD INDEX assets_live_name (owner_id, live_base_name, taken_at_us),
    DROP INDEX assets_markers,
    ADD INDEX assets_markers (owner_id, is_trashed, is_archived, is_hidden, latitude, longitude, taken_at_us,
                              is_favorite, id)
)sql";

// Live photos v2: the listing indexes end with the hidden flag (see the SQLite schema). One statement.
constexpr std::string_view kLivePhotoListingIndexes = R"sql(
ALTER TABLE assets
    DROP INDEX assets_timeline,
    ADD INDEX assets_timeline (owner_id, is_trashed, is_archived, taken_at_us, id, is_hidden),
    DROP INDEX assets_months,
    ADD INDEX assets_months (owner_id, is_trashed, is_archived, taken_month, is_hidden),
    DROP INDEX assets_all,
    ADD INDEX assets_all (owner_id, is_trashed, taken_at_us, id, is_hidden),
    DROP INDEX assets_favorites,
    ADD INDEX assets_favorites (owner_id, is_trashed, is_favorite, is_archived, taken_at_us, id, is_hidden),
    DROP INDEX assets_types,
    ADD INDEX assets_types (owner_id, is_trashed, type, is_archived, taken_at_us, id, is_hidden),
    DROP INDEX assets_days,
    ADD INDEX assets_days (owner_id, is_trashed, is_archived, taken_day, taken_at_us, is_hidden)
)sql";

// The event relay's log (relay_repository.hpp). InnoDB keeps AUTO_INCREMENT across restarts (MariaDB >= 10.2.4), so
// an id is never given twice, even once every row has been pruned.
constexpr std::string_view kRelayEvents = R"sql(
CREATE TABLE IF NOT EXISTS relay_events (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    origin        VARCHAR(64)  NOT NULL,
    user_id       VARCHAR(64)  NOT NULL,
    name          VARCHAR(64)  NOT NULL,
    data          MEDIUMTEXT   NOT NULL,
    created_at_us BIGINT       NOT NULL,
    PRIMARY KEY (id),
    KEY relay_events_user (user_id, id),
    KEY relay_events_created (created_at_us),
    CONSTRAINT relay_events_check CHECK (CHAR_LENGTH(name) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Near-duplicates and related photos (migration module "dupes" v1): see the SQLite schema. phash is the 64-bit
// hash as a signed BIGINT (the same bits).
constexpr std::string_view kAssetPhashes = R"sql(
CREATE TABLE IF NOT EXISTS asset_phashes (
    asset_id  VARCHAR(64) NOT NULL,
    owner_id  VARCHAR(64) NOT NULL,
    phash     BIGINT      NOT NULL,
    band0     INT         NOT NULL,
    band1     INT         NOT NULL,
    band2     INT         NOT NULL,
    band3     INT         NOT NULL,
    latitude  DOUBLE      NULL,
    longitude DOUBLE      NULL,
    PRIMARY KEY (asset_id),
    KEY asset_phashes_owner (owner_id, asset_id, phash),
    KEY asset_phashes_band0 (owner_id, band0),
    KEY asset_phashes_band1 (owner_id, band1),
    KEY asset_phashes_band2 (owner_id, band2),
    KEY asset_phashes_band3 (owner_id, band3),
    KEY asset_phashes_place (owner_id, latitude),
    CONSTRAINT asset_phashes_asset_fk FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE CASCADE
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kDuplicateDismissals = R"sql(
CREATE TABLE IF NOT EXISTS duplicate_dismissals (
    owner_id VARCHAR(64) NOT NULL,
    asset_a  VARCHAR(64) NOT NULL,
    asset_b  VARCHAR(64) NOT NULL,
    PRIMARY KEY (owner_id, asset_a, asset_b),
    KEY duplicate_dismissals_a (asset_a),
    KEY duplicate_dismissals_b (asset_b),
    CONSTRAINT duplicate_dismissals_owner_fk FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT duplicate_dismissals_a_fk FOREIGN KEY (asset_a) REFERENCES assets (id) ON DELETE CASCADE,
    CONSTRAINT duplicate_dismissals_b_fk FOREIGN KEY (asset_b) REFERENCES assets (id) ON DELETE CASCADE,
    CONSTRAINT duplicate_dismissals_check CHECK (asset_a < asset_b)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Two-factor sign-in (migration module "mfa"); see the SQLite schema for what each table keeps.
constexpr std::string_view kUserMfa = R"sql(
CREATE TABLE IF NOT EXISTS user_mfa (
    user_id       VARCHAR(64)  NOT NULL,
    secret        VARCHAR(255) NOT NULL,
    enabled       TINYINT      NOT NULL DEFAULT 0,
    last_step     BIGINT       NOT NULL DEFAULT 0,
    created_at_us BIGINT       NOT NULL,
    PRIMARY KEY (user_id),
    CONSTRAINT user_mfa_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT user_mfa_check CHECK (CHAR_LENGTH(secret) > 0 AND enabled IN (0, 1))
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kMfaRecoveryCodes = R"sql(
CREATE TABLE IF NOT EXISTS mfa_recovery_codes (
    user_id    VARCHAR(64)  NOT NULL,
    code_hash  VARCHAR(255) NOT NULL,
    used_at_us BIGINT       NULL,
    PRIMARY KEY (user_id, code_hash),
    CONSTRAINT mfa_recovery_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT mfa_recovery_codes_check CHECK (CHAR_LENGTH(code_hash) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kMfaChallenges = R"sql(
CREATE TABLE IF NOT EXISTS mfa_challenges (
    token_hash    VARCHAR(255) NOT NULL,
    user_id       VARCHAR(64)  NOT NULL,
    expires_at_us BIGINT       NOT NULL,
    used_at_us    BIGINT       NULL,
    PRIMARY KEY (token_hash),
    KEY mfa_challenges_user (user_id),
    KEY mfa_challenges_expiry (expires_at_us),
    CONSTRAINT mfa_challenges_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT mfa_challenges_check CHECK (CHAR_LENGTH(token_hash) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Password reset by e-mail (migration module "password_reset").
constexpr std::string_view kPasswordResets = R"sql(
CREATE TABLE IF NOT EXISTS password_resets (
    token_hash    VARCHAR(255) NOT NULL,
    user_id       VARCHAR(64)  NOT NULL,
    created_at_us BIGINT       NOT NULL,
    expires_at_us BIGINT       NOT NULL,
    used_at_us    BIGINT       NULL,
    PRIMARY KEY (token_hash),
    KEY password_resets_user (user_id),
    KEY password_resets_expiry (expires_at_us),
    CONSTRAINT password_resets_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT password_resets_check CHECK (CHAR_LENGTH(token_hash) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// OIDC sign-in (issue 24, oidc_repository.hpp): linked provider accounts, and sign-ins in flight (minutes).
constexpr std::string_view kOidcIdentities = R"sql(
CREATE TABLE IF NOT EXISTS oidc_identities (
    issuer     VARCHAR(255) NOT NULL,
    subject    VARCHAR(255) NOT NULL,
    user_id    VARCHAR(64)  NOT NULL,
    created_at VARCHAR(64)  NOT NULL,
    PRIMARY KEY (issuer, subject),
    KEY oidc_identities_user (user_id),
    CONSTRAINT oidc_identities_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT oidc_identities_check CHECK (CHAR_LENGTH(issuer) > 0 AND CHAR_LENGTH(subject) > 0)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

constexpr std::string_view kOidcLogins = R"sql(
CREATE TABLE IF NOT EXISTS oidc_logins (
    state_hash    VARCHAR(128) NOT NULL,
    nonce         VARCHAR(128) NOT NULL,
    code_verifier VARCHAR(128) NOT NULL,
    expires_at_us BIGINT       NOT NULL,
    PRIMARY KEY (state_hash),
    KEY oidc_logins_expiry (expires_at_us)
))sql" OBSCURA_MYSQL_TABLE_OPTIONS;

// Finding photos again (migration module "finding" v1): see the SQLite schema. Here the month-day is STORED like
// taken_month; the camera fields are VIRTUAL (compared, never covered). Written re-runnable (IF NOT EXISTS, the
// backfill's WHERE): MariaDB's DDL is not transactional, so a migration cut short runs again from the top.
constexpr std::string_view kFindingColumns = R"sql(
ALTER TABLE assets
    ADD COLUMN IF NOT EXISTS latitude DOUBLE NULL,
    ADD COLUMN IF NOT EXISTS longitude DOUBLE NULL,
    ADD COLUMN IF NOT EXISTS taken_day CHAR(5) GENERATED ALWAYS AS (SUBSTRING(taken_at, 6, 5)) STORED,
    ADD COLUMN IF NOT EXISTS exif_make VARCHAR(255)
        GENERATED ALWAYS AS (LOWER(LEFT(JSON_VALUE(exif, '$.make'), 255))) VIRTUAL,
    ADD COLUMN IF NOT EXISTS exif_model VARCHAR(255)
        GENERATED ALWAYS AS (LOWER(LEFT(JSON_VALUE(exif, '$.model'), 255))) VIRTUAL,
    ADD COLUMN IF NOT EXISTS exif_lens VARCHAR(255)
        GENERATED ALWAYS AS (LOWER(LEFT(JSON_VALUE(exif, '$.lens'), 255))) VIRTUAL
)sql";
constexpr std::string_view kFindingBackfill = R"sql(
UPDATE assets SET latitude = JSON_VALUE(exif, '$.latitude'), longitude = JSON_VALUE(exif, '$.longitude')
WHERE latitude IS NULL AND JSON_TYPE(JSON_EXTRACT(exif, '$.latitude')) IN ('INTEGER', 'DOUBLE')
  AND JSON_TYPE(JSON_EXTRACT(exif, '$.longitude')) IN ('INTEGER', 'DOUBLE')
  AND JSON_VALUE(exif, '$.latitude') BETWEEN -90 AND 90 AND JSON_VALUE(exif, '$.longitude') BETWEEN -180 AND 180
)sql";
constexpr std::string_view kFindingIndexes = R"sql(
ALTER TABLE assets
    ADD INDEX IF NOT EXISTS assets_markers (owner_id, is_trashed, is_archived, latitude, longitude, taken_at_us,
                                            is_favorite, id),
    ADD INDEX IF NOT EXISTS assets_days (owner_id, is_trashed, is_archived, taken_day, taken_at_us)
)sql";

#undef OBSCURA_MYSQL_TABLE_OPTIONS

}  // namespace

const std::vector<sql::Migration>& allMigrations() {
    // Order matters: a module's migrations come after those of every module they reference. The kernel's
    // tables come first: modules enqueue jobs in their own transactions from their first request on.
    static const std::vector<sql::Migration> kMigrations = {
        {"kernel", 1, {}, {kJobs}},
        {"auth", 1, {}, {kUsers, kRefreshTokens, kApiKeys, kLoginFailures}},
        {"images", 1, {{"auth", 1}}, {kAssets, kAssetTags, kAssetWords, kAssetUsage, kAssetBandwidth}},
        {"media", 1, {{"images", 1}}, {kDerivatives}},
        {"images", 2, {{"images", 1}}, {kAlbums, kAlbumAssets, kSharedLinks, kSharedLinkAssets}},
        {"images", 3, {{"images", 2}}, {kLibraryVersions}},
        {"partners", 1, {{"auth", 1}, {"images", 3}}, {kPartners}},
        {"images", 5, {{"images", 3}}, {kAlbumTree}},
        {"sharing", 1, {{"auth", 1}, {"images", 5}}, {kAlbumUsers, kUserGroups, kGroupMembers, kAlbumGroups}},
        // Direct uploads (wave/direct).
        {"direct_uploads", 1, {}, {kDirectUploads}},
        // Resumable uploads (issue 20).
        {"uploads", 1, {{"auth", 1}}, {kUploads}},
        {"uploads", 2, {{"uploads", 1}}, {kUploadParts}},
        // Stands alone: the relay references no other table.
        {"relay", 1, {}, {kRelayEvents}},
        // Near-duplicates and related photos (issue 22).
        {"dupes", 1, {{"images", 5}}, {kAssetPhashes, kDuplicateDismissals}},
        // Two-factor sign-in and password reset by e-mail (issue 24).
        {"mfa", 1, {{"auth", 1}}, {kUserMfa, kMfaRecoveryCodes, kMfaChallenges}},
        {"password_reset", 1, {{"auth", 1}}, {kPasswordResets}},
        // OIDC sign-in (issue 24).
        {"oidc", 1, {{"auth", 1}}, {kOidcIdentities, kOidcLogins}},
        // Map, memories and search filters (issue 22).
        {"finding", 1, {{"images", 5}}, {kFindingColumns, kFindingBackfill, kFindingIndexes}},
        // Live photos (wave/live).
        {"live_photos", 1, {{"images", 5}, {"finding", 1}}, {kLivePhotoColumns}},
        {"live_photos", 2, {{"live_photos", 1}}, {kLivePhotoListingIndexes}},
    };
    return kMigrations;
}

}  // namespace obscura::mysql
