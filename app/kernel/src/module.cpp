#include "obscura/kernel/module.hpp"

#include <exception>

#include "obscura/kernel/log.hpp"

namespace obscura {

void* ModuleContext::lookup(std::type_index type, std::string_view name) {
    if (!list_) throw ModuleStartError("module context is not attached to a module list");
    auto& entries = list_->entries_;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (entries[i].type != type) continue;
        if (!entries[i].instance) {
            // Listed but not built yet: either listed after the caller, or the caller is itself being built
            // from it (a cycle). Both are ordering mistakes in main.cpp.
            throw ModuleStartError("module '" + std::string(name) + "' is required by '" +
                                   entries[list_->building_].name +
                                   "' but is listed after it (or the two depend on each other)");
        }
        return entries[i].instance.get();
    }
    throw ModuleStartError("module '" + entries[list_->building_].name + "' requires unknown module '" +
                           std::string(name) + "'");
}

Status ModuleList::start(const Config& config, ModuleContext& ctx) {
    ctx.list_ = this;
    for (building_ = 0; building_ < entries_.size(); ++building_) {
        auto& entry = entries_[building_];
        try {
            entry.instance = entry.make(config, ctx);
        } catch (const std::exception& e) {
            auto failed = entry.name;
            stop();
            return Error(ErrorCode::Internal, "module " + failed + ": " + e.what());
        }
        log::debug("module " + entry.name + " constructed");
    }
    started_ = true;
    for (auto& entry : entries_) {
        Status s = [&]() -> Status {
            try {
                return entry.instance->onAllLoaded();
            } catch (const std::exception& e) {
                return internalError(e.what());
            }
        }();
        if (!s) {
            stop();
            return Error(s.error().code, "module " + entry.name + ": " + s.error().message);
        }
    }
    return {};
}

void ModuleList::stop() noexcept {
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
        if (!it->instance) continue;
        if (started_) it->instance->onStopping();
        it->instance.reset();
    }
    started_ = false;
}

std::vector<std::string> ModuleList::names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
}

}  // namespace obscura
