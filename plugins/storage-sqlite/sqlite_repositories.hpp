#pragma once
#include "obscura/storage/repositories.hpp"
#include "sqlite_albums_repository.hpp"
#include "sqlite_auth_repository.hpp"
#include "sqlite_images_repository.hpp"
#include "sqlite_jobs_repository.hpp"
#include "sqlite_media_repository.hpp"
#include "sqlite_table_rows.hpp"

namespace obscura::sqlite {

// Every module's repository over one borrowed connection; lives only as long as the call that made it.
class SqliteRepositories final : public storage::Repositories {
public:
    explicit SqliteRepositories(Connection& connection)
        : auth_(connection),
          images_(connection),
          albums_(connection),
          sharedLinks_(connection),
          media_(connection),
          jobs_(connection),
          tableRows_(connection) {}

    storage::AuthRepository& auth() override { return auth_; }
    storage::ImagesRepository& images() override { return images_; }
    storage::AlbumsRepository& albums() override { return albums_; }
    storage::SharedLinksRepository& sharedLinks() override { return sharedLinks_; }
    storage::MediaRepository& media() override { return media_; }
    storage::JobsRepository& jobs() override { return jobs_; }
    storage::TableRowsRepository& tableRows() override { return tableRows_; }

private:
    SqliteAuthRepository auth_;
    SqliteImagesRepository images_;
    SqliteAlbumsRepository albums_;
    SqliteSharedLinksRepository sharedLinks_;
    SqliteMediaRepository media_;
    SqliteJobsRepository jobs_;
    SqliteTableRows tableRows_;
};

}  // namespace obscura::sqlite
