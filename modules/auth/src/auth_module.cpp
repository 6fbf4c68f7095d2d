#include "obscura/auth/auth_module.hpp"

#include "obscura/kernel/config.hpp"
#include "obscura/kernel/router.hpp"
#include "setup_handler.hpp"

namespace obscura::auth {

AuthModule::AuthModule(const Config& config, ModuleContext& ctx) : ctx_(ctx) {}

Status AuthModule::onAllLoaded() {
    return ctx_.router().add(setupRoute(ctx_.storage(), ctx_.config().getString("auth.registration")));
}

}  // namespace obscura::auth
