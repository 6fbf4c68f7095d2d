#pragma once
// The JSON shape of one durable job (DESIGN.md section 3, GET /api/jobs/{id}; the admin listing's items too):
// {id, kind, assetId (null when none), state, progress (0–1), error? (only when set), attempts, createdAt,
// updatedAt}.
#include <nlohmann/json_fwd.hpp>

#include "obscura/storage/job_records.hpp"

namespace obscura {

nlohmann::json jobToJson(const storage::JobRecord& job);

}  // namespace obscura
