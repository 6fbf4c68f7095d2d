#include "sql_session.hpp"

#include <variant>

#include "sql_dialect.hpp"

namespace obscura::sql {

void Statement::set(int index, const storage::Value& value) {
    if (const auto* number = std::get_if<std::int64_t>(&value)) {
        c_->bindInt(index, *number);
    } else if (const auto* real = std::get_if<double>(&value)) {
        c_->bindReal(index, *real);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
        c_->bindText(index, *text);
    } else {
        c_->bindNull(index);
    }
}

std::string_view backendName(const Session& session) { return session.dialect().name; }

Error toError(const SqlError& e, std::string_view backend, std::string_view operation) {
    std::string message = "storage " + std::string(backend) + ": " + std::string(operation) + ": " + e.what();
    switch (e.failure()) {
        case Failure::Conflict:
            return conflict(std::move(message));
        case Failure::Busy:
            // Only reached after the driver waited (busy timeout, lock wait): ask the client to come back.
            return unavailable(std::move(message)).retryAfter(1);
        case Failure::Lost:
            return unavailable(std::move(message)).retryAfter(2);
        case Failure::Rejected:
            return invalid(std::move(message));
        case Failure::Internal:
            break;
    }
    return internalError(std::move(message));
}

}  // namespace obscura::sql
