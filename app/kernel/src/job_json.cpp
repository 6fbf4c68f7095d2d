#include "obscura/kernel/job_json.hpp"

#include <nlohmann/json.hpp>

namespace obscura {

nlohmann::json jobToJson(const storage::JobRecord& job) {
    nlohmann::json j = {{"id", job.id},
                        {"kind", job.kind},
                        {"assetId", job.assetId.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.assetId)},
                        {"state", job.state},
                        {"progress", job.progress},
                        {"attempts", job.attempts},
                        {"createdAt", job.createdAt},
                        {"updatedAt", job.updatedAt}};
    if (!job.error.empty()) j["error"] = job.error;
    return j;
}

}  // namespace obscura
