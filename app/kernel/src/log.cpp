#include "obscura/kernel/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <nlohmann/json.hpp>

namespace obscura::log {
namespace {

std::mutex g_mu;
std::shared_ptr<spdlog::logger> g_logger;
bool g_json = true;

std::shared_ptr<spdlog::logger> make() {
    // stderr keeps stdout free for command output (`obscura config check`, `version`).
    auto logger = std::make_shared<spdlog::logger>("obscura", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_level(spdlog::level::info);
    logger->set_pattern("%v");
    return logger;
}

void write(spdlog::level::level_enum level, const std::string& message) {
    auto logger = get();
    if (!logger->should_log(level)) return;
    if (g_json) {
        nlohmann::json line = {{"ts", std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count()},
                               {"level", spdlog::level::to_string_view(level).data()},
                               {"msg", message}};
        logger->log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
        logger->log(level, "{} {}", spdlog::level::to_string_view(level).data(), message);
    }
}

}  // namespace

void configure(const std::string& level, const std::string& format) {
    auto logger = get();
    std::lock_guard lock(g_mu);
    logger->set_level(spdlog::level::from_str(level));
    g_json = format != "text";
    if (!g_json)
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %v");
    else
        logger->set_pattern("%v");
}

std::shared_ptr<spdlog::logger> get() {
    std::lock_guard lock(g_mu);
    if (!g_logger) g_logger = make();
    return g_logger;
}

void info(const std::string& message) { write(spdlog::level::info, message); }
void warn(const std::string& message) { write(spdlog::level::warn, message); }
void error(const std::string& message) { write(spdlog::level::err, message); }
void debug(const std::string& message) { write(spdlog::level::debug, message); }

void jsonLine(const std::string& json) {
    auto logger = get();
    if (logger->should_log(spdlog::level::info)) logger->log(spdlog::level::info, "{}", json);
}

}  // namespace obscura::log
