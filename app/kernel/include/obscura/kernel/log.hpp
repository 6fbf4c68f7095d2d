#pragma once
// Logging through spdlog. One logger for the process; access lines are JSON objects.
// Never pass a password, token, API key or query string to these functions.
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace obscura::log {

// level: trace|debug|info|warn|error; format: json|text. Safe to call again (tests).
void configure(const std::string& level, const std::string& format);
std::shared_ptr<spdlog::logger> get();

void info(const std::string& message);
void warn(const std::string& message);
void error(const std::string& message);
void debug(const std::string& message);
// A preformatted JSON object, written as one line at info level.
void jsonLine(const std::string& json);

}  // namespace obscura::log
