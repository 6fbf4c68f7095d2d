#include "sqlite_errors.hpp"

namespace obscura::sqlite {

Error toError(const SqliteError& e, std::string_view operation) {
    std::string message = "storage sqlite: " + std::string(operation) + ": " + e.what();
    switch (e.code()) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return conflict(std::move(message));
        default:
            break;
    }
    switch (e.primaryCode()) {
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            // Only reached after busy_timeout: the database stayed locked, so ask the client to come back.
            return unavailable(std::move(message)).retryAfter(1);
        default:
            return internalError(std::move(message));
    }
}

}  // namespace obscura::sqlite
