#include "obscura/base/clock.hpp"

namespace obscura {

std::int64_t SystemClock::nowUs() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace obscura
