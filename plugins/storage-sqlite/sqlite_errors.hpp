#pragma once
// The plugin boundary: every public entry runs its body through guarded(), so no exception — SQLite's,
// the allocator's or a module callback's — leaves the plugin.
#include <exception>
#include <string>
#include <string_view>

#include "obscura/base/expected.hpp"
#include "sqlite_connection.hpp"

namespace obscura::sqlite {

// UNIQUE/PRIMARY KEY → Conflict; BUSY/LOCKED (after the busy timeout) → Unavailable; anything else → Internal.
Error toError(const SqliteError& e, std::string_view operation);

// Runs body (returning Status or Expected<T>) and converts whatever it throws into that type's error.
template <typename Body>
auto guarded(std::string_view operation, Body&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const SqliteError& e) {
        return toError(e, operation);
    } catch (const std::exception& e) {
        return internalError("storage sqlite: " + std::string(operation) + ": " + e.what());
    } catch (...) {
        return internalError("storage sqlite: " + std::string(operation) + ": unknown exception");
    }
}

}  // namespace obscura::sqlite
