#pragma once
// What every plugin's Storage does around a module's transaction()/run() callback.
#include <string_view>

#include "obscura/base/expected.hpp"
#include "obscura/storage/storage.hpp"

namespace obscura::sql {

// Fails when the calling thread is already inside a callback of this storage: the call would wait for the
// callback's own connection (see storage.hpp).
Status checkNotReentered(const void* storage, std::string_view backend, std::string_view operation);

// Runs a module callback (foreign code: whatever it throws stops here) with this storage marked as active on
// the calling thread.
Status invokeCallback(const void* storage, std::string_view backend, const storage::RepoFn& fn,
                      storage::Repositories& repos, std::string_view operation);

}  // namespace obscura::sql
