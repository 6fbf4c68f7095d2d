#pragma once
#include "obscura/storage/repositories.hpp"
#include "sql_album_sharing_repository.hpp"
#include "sql_albums_repository.hpp"
#include "sql_auth_repository.hpp"
#include "sql_direct_uploads_repository.hpp"
#include "sql_dupes_repository.hpp"
#include "sql_images_repository.hpp"
#include "sql_jobs_repository.hpp"
#include "sql_mfa_repository.hpp"
#include "sql_oidc_repository.hpp"
#include "sql_partners_repository.hpp"
#include "sql_password_resets_repository.hpp"
#include "sql_relay_repository.hpp"
#include "sql_table_rows.hpp"
#include "sql_uploads_repository.hpp"

namespace obscura::sql {

// The media module's derivatives, on one borrowed connection.
class SqlMediaRepository final : public storage::MediaRepository {
public:
    explicit SqlMediaRepository(Session& session) : s_(session) {}

    Expected<std::int64_t> countDerivatives(const std::string& assetId) override {
        return guarded(s_, "count derivatives", [&]() -> Expected<std::int64_t> {
            auto stmt = s_.prepare("SELECT COUNT(*) FROM derivatives WHERE asset_id = ?");
            auto rows = stmt.bind(assetId).query();
            return rows.next() ? rows.int64(0) : 0;
        });
    }

private:
    Session& s_;
};

// Every module's repository over one borrowed connection; lives only as long as the call that made it.
class SqlRepositories final : public storage::Repositories {
public:
    explicit SqlRepositories(Session& session)
        : auth_(session),
          images_(session),
          albums_(session),
          albumSharing_(session),
          sharedLinks_(session),
          partners_(session),
          media_(session),
          jobs_(session),
          tableRows_(session),
          directUploads_(session),
          uploads_(session),
          relay_(session),
          dupes_(session),
          mfa_(session),
          passwordResets_(session),
          oidc_(session) {}

    storage::AuthRepository& auth() override { return auth_; }
    storage::ImagesRepository& images() override { return images_; }
    storage::AlbumsRepository& albums() override { return albums_; }
    storage::AlbumSharingRepository& albumSharing() override { return albumSharing_; }
    storage::SharedLinksRepository& sharedLinks() override { return sharedLinks_; }
    storage::PartnersRepository& partners() override { return partners_; }
    storage::MediaRepository& media() override { return media_; }
    storage::JobsRepository& jobs() override { return jobs_; }
    storage::TableRowsRepository& tableRows() override { return tableRows_; }
    storage::DirectUploadsRepository& directUploads() override { return directUploads_; }
    storage::UploadsRepository& uploads() override { return uploads_; }
    storage::RelayRepository& relay() override { return relay_; }
    storage::DupesRepository& dupes() override { return dupes_; }
    storage::MfaRepository& mfa() override { return mfa_; }
    storage::PasswordResetsRepository& passwordResets() override { return passwordResets_; }
    storage::OidcRepository& oidc() override { return oidc_; }

private:
    SqlAuthRepository auth_;
    SqlImagesRepository images_;
    SqlAlbumsRepository albums_;
    SqlAlbumSharingRepository albumSharing_;
    SqlSharedLinksRepository sharedLinks_;
    SqlPartnersRepository partners_;
    SqlMediaRepository media_;
    SqlJobsRepository jobs_;
    SqlTableRows tableRows_;
    SqlDirectUploadsRepository directUploads_;
    SqlUploadsRepository uploads_;
    SqlRelayRepository relay_;
    SqlDupesRepository dupes_;
    SqlMfaRepository mfa_;
    SqlPasswordResetsRepository passwordResets_;
    SqlOidcRepository oidc_;
};

}  // namespace obscura::sql
