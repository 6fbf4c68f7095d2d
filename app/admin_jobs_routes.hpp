#pragma once
#include <string>

#include "obscura/base/expected.hpp"
#include "obscura/storage/job_records.hpp"

namespace obscura {

class Clock;
class Router;
namespace storage {
class Storage;
}

// GET /api/admin/jobs?state=&limit=&cursor= and POST /api/admin/jobs/retry {ids?} (admins only).
Status addAdminJobsRoutes(Router& router, storage::Storage& storage, const Clock& clock);

// The API shape of a job: {id, kind, assetId, state, progress, error?, attempts, createdAt, updatedAt}.
std::string jobJson(const storage::JobRecord& job);

}  // namespace obscura
