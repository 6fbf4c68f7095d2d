#pragma once
// The plugin boundary: every public entry runs its body through guarded(), so no exception — Connector's,
// the allocator's or a module callback's — leaves the plugin.
#include <exception>
#include <string>
#include <string_view>

#include "mysql_connection.hpp"
#include "obscura/base/expected.hpp"

namespace obscura::mysql {

// Duplicate key → Conflict; deadlock, lock wait or lost/unreachable server → Unavailable (Retry-After 1);
// a value the schema refuses → Invalid; anything else → Internal.
Error toError(const MysqlError& e, std::string_view operation);

// Runs body (returning Status or Expected<T>) and converts whatever it throws into that type's error.
template <typename Body>
auto guarded(std::string_view operation, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const MysqlError& e) {
        return toError(e, operation);
    } catch (const std::exception& e) {
        return internalError("storage mysql: " + std::string(operation) + ": " + e.what());
    } catch (...) {
        return internalError("storage mysql: " + std::string(operation) + ": unknown exception");
    }
}

}  // namespace obscura::mysql
