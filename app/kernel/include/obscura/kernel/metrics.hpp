#pragma once
// Prometheus metrics shared by the whole process; /metrics serialises this registry.
#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace obscura {

class Metrics {
public:
    Metrics();
    ~Metrics();
    prometheus::Registry& registry() { return *registry_; }
    std::string serialize() const;  // Prometheus text format 0.0.4

private:
    std::shared_ptr<prometheus::Registry> registry_;
};

}  // namespace obscura
