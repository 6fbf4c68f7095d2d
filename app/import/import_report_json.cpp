#include <cstdio>
#include <nlohmann/json.hpp>

#include "import/import_report.hpp"

namespace obscura::import {

namespace {

nlohmann::json list(const std::vector<Refusal>& items) {
    auto out = nlohmann::json::array();
    for (const auto& r : items) out.push_back({{"path", r.label}, {"reason", r.reason}});
    return out;
}

double secondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

void ImportReport::imported(std::int64_t bytes) {
    std::lock_guard lock(mu_);
    ++imported_;
    bytes_ += bytes;
}
void ImportReport::duplicate(std::int64_t bytes) {
    std::lock_guard lock(mu_);
    ++duplicates_;
    bytes_ += bytes;
}
void ImportReport::skipped(Refusal r) {
    std::lock_guard lock(mu_);
    skipped_.push_back(std::move(r));
}
void ImportReport::failed(Refusal r) {
    std::lock_guard lock(mu_);
    failed_.push_back(std::move(r));
}
void ImportReport::warning(Refusal r) {
    std::lock_guard lock(mu_);
    warnings_.push_back(std::move(r));
}
void ImportReport::setTotal(std::int64_t files) {
    std::lock_guard lock(mu_);
    total_ = files;
}
void ImportReport::setInterrupted() {
    std::lock_guard lock(mu_);
    interrupted_ = true;
}
bool ImportReport::anyFailed() const {
    std::lock_guard lock(mu_);
    return !failed_.empty();
}

std::string ImportReport::progressLine() const {
    std::lock_guard lock(mu_);
    const auto done = imported_ + duplicates_ + static_cast<std::int64_t>(skipped_.size() + failed_.size());
    const double s = std::max(0.001, secondsSince(started_));
    char line[256];
    std::snprintf(line, sizeof line,
                  "%lld/%lld files | %lld imported | %lld duplicates | %zu skipped | %zu failed | %.1f files/s | "
                  "%.1f MB/s",
                  static_cast<long long>(done), static_cast<long long>(total_), static_cast<long long>(imported_),
                  static_cast<long long>(duplicates_), skipped_.size(), failed_.size(),
                  static_cast<double>(imported_ + duplicates_) / s, static_cast<double>(bytes_) / 1e6 / s);
    return line;
}

std::string ImportReport::json() const {
    std::lock_guard lock(mu_);
    nlohmann::json j = {{"imported", imported_},
                        {"duplicates", duplicates_},
                        {"skipped", list(skipped_)},
                        {"failed", list(failed_)},
                        {"warnings", list(warnings_)},
                        {"files", total_},
                        {"bytes", bytes_},
                        {"seconds", secondsSince(started_)},
                        {"dryRun", dryRun_},
                        {"interrupted", interrupted_}};
    return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace obscura::import
