#include "obscura/images/images_module.hpp"

#include "obscura/kernel/router.hpp"
#include "statistics_handler.hpp"

namespace obscura::images {

ImagesModule::ImagesModule(const Config& config, ModuleContext& ctx) : ctx_(ctx) {}

Status ImagesModule::onAllLoaded() {
    OBSCURA_TRY_STATUS(ctx_.router().add(statisticsRoute(ctx_.storage())));
    return ctx_.router().add(mediaTypesRoute());
}

}  // namespace obscura::images
