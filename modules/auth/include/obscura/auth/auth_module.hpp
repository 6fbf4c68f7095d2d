#pragma once
#include <string_view>

#include "obscura/kernel/module.hpp"

namespace obscura::auth {

// Accounts, passwords, tokens, API keys, admin. This foundation version owns the users table and answers
// whether the first (admin) account still has to be created.
class AuthModule final : public Module {
public:
    static constexpr std::string_view kName = "auth";
    AuthModule(const Config& config, ModuleContext& ctx);
    std::string_view name() const override { return kName; }
    Status onAllLoaded() override;

private:
    ModuleContext& ctx_;
};

}  // namespace obscura::auth
