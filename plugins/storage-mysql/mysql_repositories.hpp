#pragma once
#include "mysql_albums_repository.hpp"
#include "mysql_auth_repository.hpp"
#include "mysql_images_repository.hpp"
#include "mysql_jobs_repository.hpp"
#include "mysql_media_repository.hpp"
#include "mysql_table_rows.hpp"
#include "obscura/storage/repositories.hpp"

namespace obscura::mysql {

// Every module's repository over one borrowed connection; lives only as long as the call that made it.
class MysqlRepositories final : public storage::Repositories {
public:
    explicit MysqlRepositories(Connection& connection)
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
    MysqlAuthRepository auth_;
    MysqlImagesRepository images_;
    MysqlAlbumsRepository albums_;
    MysqlSharedLinksRepository sharedLinks_;
    MysqlMediaRepository media_;
    MysqlJobsRepository jobs_;
    MysqlTableRows tableRows_;
};

}  // namespace obscura::mysql
