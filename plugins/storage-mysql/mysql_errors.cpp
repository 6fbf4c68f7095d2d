#include "mysql_errors.hpp"

namespace obscura::mysql {

Error toError(const MysqlError& e, std::string_view operation) {
    std::string message = "storage mysql: " + std::string(operation) + ": " + e.what();
    switch (e.failure()) {
        case Failure::Conflict:
            return conflict(std::move(message));
        case Failure::Busy:
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

}  // namespace obscura::mysql
