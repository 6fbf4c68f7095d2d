#include "sql_callbacks.hpp"

#include <algorithm>
#include <exception>
#include <string>
#include <vector>

namespace obscura::sql {

namespace {

// The storages whose callback the current thread is running, innermost last.
thread_local std::vector<const void*> tActiveCallbacks;

class CallbackScope {
public:
    explicit CallbackScope(const void* storage) { tActiveCallbacks.push_back(storage); }
    ~CallbackScope() { tActiveCallbacks.pop_back(); }
    CallbackScope(const CallbackScope&) = delete;
    CallbackScope& operator=(const CallbackScope&) = delete;
};

}  // namespace

Status checkNotReentered(const void* storage, std::string_view backend, std::string_view operation) {
    if (std::find(tActiveCallbacks.begin(), tActiveCallbacks.end(), storage) == tActiveCallbacks.end()) return {};
    return internalError("storage " + std::string(backend) + ": " + std::string(operation) +
                         " called from inside a transaction()/run() callback on the same thread; it would wait "
                         "for the callback's own connection — use the Repositories the callback was given");
}

Status invokeCallback(const void* storage, std::string_view backend, const storage::RepoFn& fn,
                      storage::Repositories& repos, std::string_view operation) {
    CallbackScope scope(storage);
    const std::string where = "storage " + std::string(backend) + ": " + std::string(operation);
    try {
        return fn(repos);
    } catch (const std::exception& e) {
        return internalError(where + " callback threw: " + e.what() + " (rolled back)");
    } catch (...) {
        return internalError(where + " callback threw a non-standard exception (rolled back)");
    }
}

}  // namespace obscura::sql
