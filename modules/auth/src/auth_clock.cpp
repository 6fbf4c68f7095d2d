#include "auth_clock.hpp"

#include "obscura/kernel/job_queue.hpp"

namespace obscura::auth {

// The kernel's format, so every time the API shows looks alike.
std::string rfc3339(std::int64_t us) { return JobQueue::rfc3339(us); }

}  // namespace obscura::auth
