#pragma once
// The perceptual-hash backfill (issue 22): images whose thumbnails were made before hashing existed get their hash
// from the stored thumbnail (VipsEngine::hashThumbnail), one durable job working through them in id order.
//
// Idempotent and resumable by construction: its work list is "images with a ready thumbnail and no hash"
// (AssetSource::unhashedImages), so a rerun after a crash or a lost lease starts with what is left; writing a hash
// twice writes the same row. An image whose thumbnail cannot be read is skipped for this run (logged) and is tried
// again by the next one. Progress (hashed / to hash) is stored with the job: GET /api/admin/jobs shows it.
#include <string>

#include "derivative_job.hpp"
#include "obscura/kernel/job_queue.hpp"

namespace obscura::media {

inline constexpr const char* kHashBackfillJob = "media.hashBackfill";

Expected<std::string> runHashBackfillJob(MediaTools& tools, JobContext& job);

// Enqueues the backfill when some image lacks a hash and no backfill is queued or running. Called at start.
Status enqueueHashBackfillIfNeeded(MediaTools& tools, JobQueue& jobs);

}  // namespace obscura::media
